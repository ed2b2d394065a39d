"""The ground floor: configuration, domain models, label vocabularies and their translations.

Nothing here imports another package of this project; every other package may import from here.
"""

__version__ = "0.1.0"
PROJECT_URL = "https://github.com/clinicwatch/clinicwatch"
USER_AGENT = f"ClinicWatch/{__version__} (+{PROJECT_URL})"
