"""One module per screen of the app (modal dialogs included)."""
