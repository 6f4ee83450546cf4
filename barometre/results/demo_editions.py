"""The two demo editions: 2016 (fictitious responses reproducing the published figures) and 2018-demo.

The counts below are chosen so that, rounded to whole percents, the 2016 edition gives every figure
of the report (docs/demo-barometre.md shows the arithmetic). Nothing here describes a real
collectivity: the responses have no collectivity.
"""

import datetime

from barometre.results.demo_survey import Targets, load_demo_edition

REPORT_TAKEAWAYS_2016 = "\n".join(
    [
        "Le numérique est généralement perçu comme un levier puissant pour accroître la transparence de "
        "l'action publique, la participation des citoyens et la coproduction des politiques publiques.",
        "Les collectivités ont désormais la possibilité de s'appuyer sur des outils innovants. Pour autant, "
        "ces outils doivent être pensés dans une stratégie globale et intégrer un accompagnement et une "
        "médiation au plus près des populations.",
        "Pour exploiter au maximum les possibilités du numérique, il est nécessaire de les intégrer aux "
        "instruments traditionnels « hors ligne » pour l'accès à l'information, la consultation et la "
        "participation du public aux processus décisionnels.",
    ]
)

REPORT_TAKEAWAYS_2016_EN = "\n".join(
    [
        "Digital technology is generally seen as a powerful lever for greater transparency of public "
        "action, citizen participation and the co-production of public policies.",
        "Local authorities can now rely on innovative tools. Even so, these tools must be designed as part "
        "of an overall strategy and include support and mediation as close as possible to the people.",
        "To make the most of what digital technology offers, it has to be combined with traditional "
        "“offline” instruments for access to information, consultation and public participation in "
        "decision-making.",
    ]
)

DEMO_2016 = Targets(
    code="2016",
    title="Baromètre de la démocratie locale numérique 2016 — réponses fictives de démonstration",
    title_en="Digital local democracy barometer 2016 — fictitious demo responses",
    seed=2016,
    starts_on=datetime.date(2016, 1, 17),
    ends_on=datetime.date(2016, 3, 4),
    invitations_sent=20000,
    collectivities_invited=5000,
    profiles={
        ("commune", "pop_lt_3500"): 10,
        ("commune", "pop_3500_10000"): 30,
        ("commune", "pop_10000_50000"): 45,
        ("commune", "pop_50000_200000"): 12,
        ("commune", "pop_gt_200000"): 2,
        ("intercommunalite", "pop_3500_10000"): 4,
        ("intercommunalite", "pop_10000_50000"): 20,
        ("intercommunalite", "pop_50000_200000"): 22,
        ("intercommunalite", "pop_gt_200000"): 6,
        ("departement", "pop_50000_200000"): 2,
        ("departement", "pop_gt_200000"): 12,
        ("region", "pop_gt_200000"): 6,
        ("metropole", "pop_gt_200000"): 8,
        ("pnr", "pop_10000_50000"): 3,
        ("pnr", "pop_50000_200000"): 6,
        ("autre", "pop_lt_3500"): 2,
        ("autre", "pop_3500_10000"): 2,
        ("autre", "pop_10000_50000"): 2,
    },
    roles={"agent": 91, "elu": 31, "direction": 64, "autre": 8},
    # 44 equipped collectivities and 55 tools: 34 × 1 + 9 × 2 + 1 × 3 (the report's "10 with two
    # tools and one with three" would make 56).
    tools_per_collectivity={1: 34, 2: 9, 3: 1},
    open_data=25,
    perceptions={
        "digital_strengthens_participation": (
            {"tout_a_fait": 16, "plutot_oui": 24, "plutot_non": 2, "ne_sait_pas": 2},
            {"tout_a_fait": 30, "plutot_oui": 85, "plutot_non": 20, "pas_du_tout": 5, "ne_sait_pas": 10},
        ),
        "digital_time": (
            {"gain": 30, "perte": 6, "ne_sait_pas": 8},
            {"gain": 83, "perte": 30, "ne_sait_pas": 37},
        ),
        "digital_cost": ({"cout": 20, "investissement": 24}, {"cout": 89, "investissement": 61}),
        "digital_communication": (
            {"levier": 38, "pas_levier": 3, "ne_sait_pas": 3},
            {"levier": 115, "pas_levier": 18, "ne_sait_pas": 17},
        ),
    },
    families={
        "open_data": 18,
        "cartographie_participative": 7,
        "urbanisme_participatif": 6,
        "sondage": 6,
        "forum": 5,
        "budget_participatif": 5,
        "autre": 8,
    },
    family_other=(
        "Plateforme de décision collective",
        "Plateforme de concertation",
        "Application de service public collaboratif",
        "Web-radio participative",
        "Live interactif",
    ),
    objective_patterns=(
        (("informer", "idees", "eclairer_decision"), 8),
        (("informer", "eclairer_decision", "coconstruire"), 4),
        (("informer", "idees"), 4),
        (("informer", "consulter", "mobiliser"), 3),
        (("informer",), 4),
        (("idees", "informer", "coconstruire"), 3),
        (("idees", "consulter", "eclairer_decision"), 3),
        (("idees", "coconstruire"), 2),
        (("idees",), 2),
        (("eclairer_decision", "consulter", "idees"), 3),
        (("eclairer_decision", "informer"), 3),
        (("consulter", "idees", "eclairer_decision"), 3),
        (("consulter", "eclairer_decision", "mobiliser"), 3),
        (("coconstruire", "mobiliser", "idees"), 2),
        (("coconstruire", "consulter"), 2),
        (("signaler", "informer"), 2),
        (("signaler",), 1),
        (("mobiliser", "coconstruire", "consulter"), 2),
        (("autre", "informer"), 1),
    ),
    objective_met=({"oui": 20, "non": 3}, {"oui": 25, "non": 5}),
    involvement={
        "tres_satisfait": 6,
        "plutot_satisfait": 22,
        "neutre": 17,
        "plutot_insatisfait": 7,
        "tres_insatisfait": 3,
    },
    hybrid={"oui": 40, "non": 15},
    hybrid_formats={"reunions_publiques": 40, "barcamps": 19, "formations": 4, "conseils_quartier": 3},
    reaches={"oui": 18, "non": 16, "ne_sait_pas": 19},
    opendata_where={"portail_propre": 12, "portail_mutualise": 7, "data_gouv": 15, "autre": 2},
    opendata_what={
        "budget": 18,
        "cartographie": 15,
        "equipements": 12,
        "transports": 10,
        "environnement": 9,
        "elections": 8,
        "culture": 7,
        "urbanisme": 6,
        "autre": 3,
    },
    verbatims=(
        (
            "tool_involvement_why",
            "plutot_insatisfait",
            "L'outil nécessite une compétence particulière pour être utilisé.",
            True,
        ),
        (
            "tool_involvement_why",
            "plutot_insatisfait",
            "Il y a eu une communication inefficace ou inexistante concernant cet outil.",
            True,
        ),
        (
            "tool_involvement_why",
            "plutot_insatisfait",
            "Il faut du temps pour mobiliser les acteurs de terrain qui sont de véritables relais.",
            True,
        ),
        (
            "tool_involvement_why",
            "tres_insatisfait",
            "Il y a une difficulté à intéresser les citoyens sur les sujets traités en session.",
            True,
        ),
        (
            "tool_involvement_why",
            "tres_insatisfait",
            "L'outil n'est pas adapté à son objectif initial.",
            True,
        ),
        (
            "tool_involvement_why",
            "plutot_insatisfait",
            "Réponse fictive non relue : Mme Exemple, chargée de mission, joignable au 01 00 00 00 00.",
            False,
        ),
        (
            "tool_reach_comment",
            "oui",
            "Les utilisateurs de l'outil numérique sont clairement des gens que l'on ne voit pas dans les "
            "réunions habituelles. Cela nous a même permis de rencontrer, lors de réunions physiques, des "
            "personnes qui nous ont expliqué être venues après avoir utilisé l'outil en ligne.",
            True,
        ),
        (
            "tool_reach_comment",
            "oui",
            "L'outil permet de toucher un public généralement absent de nos réunions publiques très "
            "facilement car il est intuitif et permet un engagement progressif.",
            True,
        ),
        (
            "tool_reach_comment",
            "non",
            "En l'état, l'accès aux données est plutôt le fait des acteurs déjà impliqués dans le numérique "
            "donc capables de comprendre les concepts et de concevoir des réutilisations.",
            True,
        ),
        (
            "tool_reach_comment",
            "non",
            "Dispositif nécessitant un accès à l'équipement et une médiation.",
            True,
        ),
        (
            "tool_reach_comment",
            "non",
            "Les usages sont aujourd'hui maîtrisés par une fraction de la population.",
            True,
        ),
    ),
    takeaways=REPORT_TAKEAWAYS_2016,
    method_notes=(
        "Enquête en ligne du 17 janvier au 4 mars 2016, envoyée à 20 000 contacts (élus, DGS/DGA, agents des "
        "directions en lien avec le numérique ou la citoyenneté) de 5 000 collectivités ; d'autres "
        "collectivités pouvaient répondre par un lien diffusé par lettre d'information et articles.\n"
        "Démonstration : les 194 réponses affichées ici sont fictives. Elles ont été construites pour "
        "reproduire, arrondis à l'unité, les chiffres publiés par le rapport 2016 ; elles ne sont pas les "
        "réponses réelles de l'enquête. Le rapport annonce 44 collectivités outillées, 55 outils, « 10 "
        "collectivités ont deux outils, une a trois outils » : cela ferait 56 outils ; la démonstration "
        "garde 44 et 55 (34 collectivités avec un outil, 9 avec deux, 1 avec trois)."
    ),
    takeaways_en=REPORT_TAKEAWAYS_2016_EN,
    method_notes_en=(
        "Online survey from 17 January to 4 March 2016, sent to 20,000 contacts (elected officials, chief "
        "executives and their deputies, staff of the departments dealing with digital matters or "
        "citizenship) in 5,000 local authorities; other local authorities could respond through a link "
        "circulated in newsletters and articles.\n"
        "Demonstration: the 194 responses shown here are fictitious. They were built to reproduce, rounded "
        "to whole numbers, the figures published in the 2016 report; they are not the survey's real "
        "responses. The report states 44 equipped local authorities and 55 tools, with “10 local "
        "authorities having two tools and one having three”: that would make 56 tools; the demonstration "
        "keeps 44 and 55 (34 local authorities with one tool, 9 with two, 1 with three)."
    ),
)

DEMO_2018 = Targets(
    code="2018-demo",
    title="Baromètre 2018 — édition fictive de démonstration",
    title_en="Barometer 2018 — fictitious demo edition",
    seed=2018,
    starts_on=datetime.date(2018, 1, 15),
    ends_on=datetime.date(2018, 3, 16),
    invitations_sent=6000,
    collectivities_invited=1500,
    profiles={
        ("commune", "pop_3500_10000"): 10,
        ("commune", "pop_10000_50000"): 16,
        ("commune", "pop_50000_200000"): 6,
        ("commune", "pop_gt_200000"): 2,
        ("intercommunalite", "pop_10000_50000"): 8,
        ("intercommunalite", "pop_50000_200000"): 9,
        ("intercommunalite", "pop_gt_200000"): 3,
        ("departement", "pop_gt_200000"): 6,
        ("region", "pop_gt_200000"): 3,
        ("metropole", "pop_gt_200000"): 4,
        ("pnr", "pop_50000_200000"): 2,
        ("autre", "pop_10000_50000"): 1,
    },
    roles={"agent": 33, "elu": 14, "direction": 20, "autre": 3},
    tools_per_collectivity={1: 20, 2: 8, 3: 2},
    open_data=16,
    perceptions={
        "digital_strengthens_participation": (
            {"tout_a_fait": 12, "plutot_oui": 16, "plutot_non": 1, "ne_sait_pas": 1},
            {"tout_a_fait": 8, "plutot_oui": 22, "plutot_non": 6, "pas_du_tout": 2, "ne_sait_pas": 2},
        ),
        "digital_time": (
            {"gain": 20, "perte": 4, "ne_sait_pas": 6},
            {"gain": 22, "perte": 8, "ne_sait_pas": 9},
        ),
        "digital_cost": ({"cout": 12, "investissement": 18}, {"cout": 21, "investissement": 19}),
        "digital_communication": (
            {"levier": 27, "pas_levier": 2, "ne_sait_pas": 1},
            {"levier": 31, "pas_levier": 5, "ne_sait_pas": 4},
        ),
    },
    families={
        "open_data": 11,
        "budget_participatif": 9,
        "cartographie_participative": 6,
        "urbanisme_participatif": 4,
        "sondage": 4,
        "forum": 3,
        "autre": 5,
    },
    family_other=(
        "Plateforme de pétitions locales (exemple fictif)",
        "Application de signalement (exemple fictif)",
    ),
    objective_patterns=(
        (("informer", "idees", "eclairer_decision"), 6),
        (("informer", "consulter"), 4),
        (("informer",), 3),
        (("idees", "coconstruire", "informer"), 5),
        (("idees", "consulter"), 3),
        (("coconstruire", "idees", "eclairer_decision"), 5),
        (("coconstruire", "mobiliser"), 2),
        (("consulter", "eclairer_decision", "idees"), 4),
        (("consulter", "idees"), 4),
        (("eclairer_decision", "informer", "consulter"), 3),
        (("signaler", "informer"), 2),
        (("mobiliser", "coconstruire"), 1),
    ),
    objective_met=({"oui": 11, "non": 2}, {"oui": 22, "non": 6}),
    involvement={
        "tres_satisfait": 6,
        "plutot_satisfait": 18,
        "neutre": 10,
        "plutot_insatisfait": 5,
        "tres_insatisfait": 3,
    },
    hybrid={"oui": 30, "non": 12},
    hybrid_formats={
        "reunions_publiques": 26,
        "barcamps": 10,
        "formations": 6,
        "conseils_quartier": 8,
        "autre": 2,
    },
    reaches={"oui": 17, "non": 12, "ne_sait_pas": 12},
    opendata_where={"portail_propre": 8, "portail_mutualise": 5, "data_gouv": 11, "autre": 1},
    opendata_what={
        "budget": 13,
        "cartographie": 11,
        "equipements": 9,
        "transports": 8,
        "environnement": 7,
        "elections": 6,
        "culture": 5,
        "urbanisme": 6,
        "autre": 1,
    },
    verbatims=(
        (
            "tool_involvement_why",
            "plutot_insatisfait",
            "Exemple fictif : l'outil a été trop peu annoncé.",
            True,
        ),
        ("tool_reach_comment", "oui", "Exemple fictif : des lycéens ont proposé des projets en ligne.", True),
    ),
    takeaways=(
        "Édition fictive, inventée pour montrer l'évolution d'une édition à l'autre.\n"
        "Ses chiffres ne décrivent aucune enquête réelle."
    ),
    method_notes=(
        "Démonstration : 70 réponses fictives, construites par le même procédé que l'édition 2016 "
        "de démonstration, avec des effectifs inventés."
    ),
    takeaways_en=(
        "Fictitious edition, invented to show how the figures change from one edition to the next.\n"
        "Its figures describe no real survey."
    ),
    method_notes_en=(
        "Demonstration: 70 fictitious responses, built by the same method as the 2016 demo edition, "
        "with invented counts."
    ),
)

DEMO_EDITIONS = (DEMO_2016, DEMO_2018)


def load_barometer_demo() -> list[str]:
    """Load the demo editions that are missing; say what was done."""
    lines = []
    for targets in DEMO_EDITIONS:
        created = load_demo_edition(targets)
        state = "créée" if created else "déjà présente"
        lines.append(f"Baromètre : édition de démonstration {targets.code} {state} (réponses fictives).")
    return lines
