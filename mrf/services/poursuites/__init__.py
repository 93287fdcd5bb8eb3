"""mrf.services.poursuites."""
