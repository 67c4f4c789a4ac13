"""One module per widget the screens share or that needs its own behaviour."""
