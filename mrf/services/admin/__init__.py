"""mrf.services.admin."""
