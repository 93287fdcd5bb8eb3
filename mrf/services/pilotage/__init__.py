"""Figures for evaluators and operators: dashboard, record counts."""
