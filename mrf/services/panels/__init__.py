"""mrf.services.panels."""
