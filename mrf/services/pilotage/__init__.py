"""mrf.services.pilotage."""
