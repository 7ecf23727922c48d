# The importer's edition fixture, shared by the importer's test modules.
from devolve.matters.tests.test_list_import import edition

__all__ = ["edition"]
