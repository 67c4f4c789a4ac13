"""The inspection app (Textual): screens and widgets over the services, words from the catalogue."""
