"""Panels of common debtors in the application: compose, publish, close, route, reassign."""
