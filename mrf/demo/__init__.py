"""Demo data: the experiment's structures and a seeded, realistic population of debtors."""

from mrf.demo.generate import DemoFiles, generate_population
from mrf.demo.structures import StructureDef, competent_structure, demo_structures

__all__ = ["DemoFiles", "StructureDef", "competent_structure", "demo_structures", "generate_population"]
