"""mrf.services.comptes."""
