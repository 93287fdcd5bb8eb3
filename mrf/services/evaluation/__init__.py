"""Evaluation of the panels: baseline frozen at publication, outcomes read from the database,
estimates from the ``panels`` library, tables, curves and CSV for the pages and the CLI."""
