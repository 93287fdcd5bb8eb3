"""mrf.services.identite."""
