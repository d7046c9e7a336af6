//! The small lists the scale families are made from: common first
//! names, invented family names, streets and landlords.

use nido_domain::project::ObjectiveDomain;

pub(super) const FIRST_NAMES: [&str; 32] = [
    "Aïcha",
    "Bettina",
    "Célia",
    "Daïna",
    "Elna",
    "Farah",
    "Gwenaëlle",
    "Halima",
    "Ilona",
    "Jasmine",
    "Kalia",
    "Leïla",
    "Maïwenn",
    "Nélia",
    "Oriane",
    "Prisca",
    "Rosalie",
    "Salomé",
    "Tiphaine",
    "Ulrika",
    "Vaïana",
    "Wassila",
    "Yaëlle",
    "Zoé",
    "Binta",
    "Coralie",
    "Djeneba",
    "Eloïse",
    "Fanta",
    "Gaëlle",
    "Hind",
    "Iris",
];

/// Invented family names.
pub(super) const LAST_NAMES: [&str; 40] = [
    "Alloucherie",
    "Bressandier",
    "Castagnoux",
    "Delorval",
    "Escoffrey",
    "Fardoulis",
    "Gaumerel",
    "Hautvillier",
    "Isambrou",
    "Jolivance",
    "Kermadoux",
    "Laforgeat",
    "Montressac",
    "Noirvaux",
    "Orbelian",
    "Pellagrue",
    "Quillardet",
    "Rozavel",
    "Sauvignac",
    "Trémazan",
    "Urbanec",
    "Valmorin",
    "Wissandre",
    "Yzernay",
    "Zamborel",
    "Belhaouri",
    "Diakounda",
    "Nkoulessi",
    "Petrovanu",
    "Oulmidane",
    "Traoumé",
    "Kassaradji",
    "Amzerane",
    "Bokolanga",
    "Mendoray",
    "Silvanetti",
    "Cissokhé",
    "Lunardel",
    "Ferrandou",
    "Guenvalec",
];

pub(super) const CHILD_NAMES: [&str; 28] = [
    "Adam", "Aya", "Bilal", "Chloé", "Daouda", "Elena", "Fares", "Giulia", "Hugo", "Inès", "Jade",
    "Kenzo", "Lina", "Mamadou", "Nora", "Owen", "Paloma", "Rayan", "Sacha", "Tiago", "Wassim",
    "Yanis", "Zélie", "Ambre", "Ilyes", "Lou", "Maya", "Noé",
];

/// Invented social landlords.
pub(super) const SOCIAL_LANDLORDS: [&str; 8] = [
    "Habitat Bords de Seine",
    "Logis du Val-de-Bièvre",
    "Foyers de la Marne",
    "Résidences Orly-Choisy",
    "Habitat Plaine Centrale",
    "Toit Solidaire 94",
    "Logement Francilien Sud",
    "Cités-Jardins de l'Est",
];

pub(super) const STREETS: [&str; 12] = [
    "rue des Tanneurs",
    "allée des Glycines",
    "avenue du Moulin-Vert",
    "rue Berthe-Morisot",
    "quai des Platanes",
    "rue du Petit-Pont",
    "impasse des Vignes",
    "boulevard de la Résistance",
    "rue Louise-Michel",
    "place du Marché",
    "rue des Jardins-Ouvriers",
    "avenue Pasteur",
];

pub(super) const CITIES: [(&str, &str); 8] = [
    ("94140", "Alfortville"),
    ("94400", "Vitry-sur-Seine"),
    ("94000", "Créteil"),
    ("94200", "Ivry-sur-Seine"),
    ("94600", "Choisy-le-Roi"),
    ("94800", "Villejuif"),
    ("94500", "Champigny-sur-Marne"),
    ("94700", "Maisons-Alfort"),
];

pub(super) const REASON_DETAILS: [&str; 4] = [
    "Hébergée chez un tiers, sans solution stable pour elle et son enfant.",
    "Sortie de maternité sans hébergement ; isolement familial.",
    "Rupture familiale ; l'ASE demande un soutien à la parentalité.",
    "Hébergement d'urgence en hôtel social depuis plusieurs mois.",
];

pub(super) const OBJECTIVES: [(ObjectiveDomain, &str); 8] = [
    (
        ObjectiveDomain::Housing,
        "Déposer la demande de logement social et la tenir à jour",
    ),
    (
        ObjectiveDomain::EmploymentTraining,
        "Reprendre une formation qualifiante",
    ),
    (
        ObjectiveDomain::Health,
        "Suivi médical régulier et bilan de santé",
    ),
    (
        ObjectiveDomain::Parenting,
        "Consolider les repères éducatifs au quotidien",
    ),
    (
        ObjectiveDomain::ChildDevelopment,
        "Suivi PMI et socialisation de l'enfant à la crèche",
    ),
    (
        ObjectiveDomain::RightsAndPapers,
        "Ouvrir les droits CAF et sécurité sociale",
    ),
    (ObjectiveDomain::Budget, "Tenir un budget mensuel"),
    (
        ObjectiveDomain::SocialTies,
        "Participer aux ateliers collectifs du centre",
    ),
];
