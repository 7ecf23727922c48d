"""Devolve: the platform for a province's list-based authorization reform."""
