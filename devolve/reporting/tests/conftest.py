from devolve.reporting.tests import world_personas

# The reporting world's personas, in place of the root conftest's.
world, pilot_area_user, justice = world_personas.FIXTURES
