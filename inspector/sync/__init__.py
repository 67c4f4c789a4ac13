"""The laptop's side of sync: an httpx client for the bureau server (``client``)."""
