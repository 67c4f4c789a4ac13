"""The domain core: sites, checklists, visits, answers, rectifications and their rules.

Pure data and functions. Nothing here does I/O or imports a UI, HTTP or storage library;
``tests/test_layers.py`` proves it.
"""
