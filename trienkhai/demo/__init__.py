"""The demo data set (`trienkhai demo`): the Bến Tre founding scenario, built through services.

LOADERS lists, in order, the callables that load one part of the scenario. Each takes no
argument, is idempotent and returns True when it loaded something, False when its part was
already there. A later part of the scenario (documents, campaigns, surveys...) adds its dotted
path here; paths rather than imports keep this module free of models.
"""

LOADERS: list[str] = [
    "trienkhai.demo.scenario_org.load_org_scenario",
    "trienkhai.demo.scenario_documents.load_documents_scenario",
    "trienkhai.demo.scenario_consultation.load_consultation_scenario",
    "trienkhai.demo.scenario_plans.load_plans_scenario",
    "trienkhai.demo.scenario_outreach.load_outreach_scenario",
    "trienkhai.demo.scenario_reading.load_reading_scenario",
    "trienkhai.demo.scenario_public.load_public_scenario",
]
