"""ClinicWatch: brand monitoring and social response for medical clinics."""

__version__ = "0.1.0"
PROJECT_URL = "https://github.com/clinicwatch/clinicwatch"
USER_AGENT = f"ClinicWatch/{__version__} (+{PROJECT_URL})"
