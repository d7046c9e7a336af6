//! The OpenAPI 3.1 document, generated from the handlers' annotations.

use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::schema::{AllOfBuilder, ObjectBuilder, OneOfBuilder, Schema, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{ContentBuilder, OpenApi as OpenApiDoc, RefOr};
use utoipa::{Modify, OpenApi, ToSchema};

use crate::error::Problem;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "nido",
        description = "Case management for a centre maternel: families, placements and their renewals, housing, and the team's interventions.",
        license(name = "AGPL-3.0-only", identifier = "AGPL-3.0-only"),
    ),
    tags(
        (name = "auth", description = "Log in and out"),
        (name = "users", description = "User accounts"),
        (name = "sites", description = "The sites (établissements) of the installation: their names, addresses, authorised places and prix de journée"),
        (name = "families", description = "Families: the mother, her children, their team"),
        (name = "referrals", description = "Referrals, the waiting list, admission"),
        (name = "placements", description = "Placements, periods, renewals, exits and deadlines"),
        (name = "housing", description = "Landlords, units, leases, occupancy, vacancies and costs"),
        (name = "interventions", description = "Interventions, follow-up actions and the family timeline"),
        (name = "creche", description = "The crèche: settings, closures, bookings, attendance, planning and its monthly report"),
        (name = "workshops", description = "Workshops with partners, the families taking part, attendance"),
        (name = "pathway", description = "The exit to housing: the steps towards a home, and the follow-ups after the exit"),
        (name = "projects", description = "Loi 2002-2: the contract of stay, the projet personnalisé, and the due-dates screen"),
        (name = "incidents", description = "Serious incidents reported to the authority, and informations préoccupantes"),
        (name = "documents", description = "The paper file: documents uploaded, encrypted at rest, read back and removed"),
        (name = "papers", description = "The papers nido prints as PDF/A-2b: the contract of stay, the avenants, the attestation d'hébergement"),
        (name = "calendar", description = "A user's calendar feed of due dates and follow-up actions, at a secret address"),
        (name = "audit", description = "Who read or wrote which family's data"),
        (name = "reports", description = "Reports to the département: the yearly activity report and the monthly billing statement"),
    ),
    components(schemas(Problem)),
    modifiers(&Conventions),
)]
pub struct ApiDoc;

/// Request bodies that take exactly one of two fields.
const EXACTLY_ONE_OF: &[(&str, [(&str, Type); 2])] = &[
    (
        "ChildInput",
        [
            ("birth_date", Type::String),
            ("expected_birth_date", Type::String),
        ],
    ),
    (
        "CreateReferralRequest",
        [("family", Type::Object), ("family_id", Type::String)],
    ),
    (
        "CrecheAttendanceRequest",
        [("absent", Type::Boolean), ("arrived_at", Type::String)],
    ),
    (
        "WorkshopAttendanceRequest",
        [("absent", Type::Boolean), ("arrived_at", Type::String)],
    ),
];

/// `schema`, and exactly one of `fields` present and not null: `allOf`
/// the object and a `oneOf` of one branch per field.
fn exactly_one_of(schema: RefOr<Schema>, fields: &[(&str, Type); 2]) -> RefOr<Schema> {
    let mut branches = OneOfBuilder::new();
    for (field, kind) in fields {
        branches = branches.item(
            ObjectBuilder::new()
                .property(*field, ObjectBuilder::new().schema_type(kind.clone()))
                .required(*field),
        );
    }
    let [(first, _), (second, _)] = fields;
    AllOfBuilder::new()
        .item(schema)
        .item(branches)
        .description(Some(format!(
            "Give exactly one of `{first}` and `{second}`."
        )))
        .into()
}

/// What every operation shares: bearer authentication unless an operation
/// says otherwise (`security: []` for the public ones), the vocabularies as
/// named components, and problem documents for every error status.
pub struct Conventions;

impl Modify for Conventions {
    fn modify(&self, openapi: &mut OpenApiDoc) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
        for (name, schema) in crate::schema::components() {
            components.schemas.insert(name.to_owned(), schema);
        }
        for (name, fields) in EXACTLY_ONE_OF {
            if let Some(schema) = components.schemas.remove(*name) {
                components
                    .schemas
                    .insert((*name).to_owned(), exactly_one_of(schema, fields));
            }
        }
        openapi.security = Some(vec![SecurityRequirement::new(
            "bearer",
            Vec::<String>::new(),
        )]);

        let problem = ResponseBuilder::new()
            .description("An error, as an RFC 9457 problem document")
            .content(
                "application/problem+json",
                ContentBuilder::new()
                    .schema(Some(RefOr::Ref(utoipa::openapi::Ref::from_schema_name(
                        Problem::name(),
                    ))))
                    .build(),
            )
            .build();
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.put,
                &mut item.post,
                &mut item.delete,
                &mut item.patch,
            ];
            for operation in operations.into_iter().flatten() {
                // `security(())` on a public operation gives `[{}]`; `[]`
                // says "no authentication" plainly, which client
                // generators read as a call that needs no token.
                if let Some(requirements) = &mut operation.security {
                    requirements
                        .retain(|requirement| *requirement != SecurityRequirement::default());
                }
                operation
                    .responses
                    .responses
                    .entry("default".to_owned())
                    .or_insert_with(|| RefOr::T(problem.clone()));
            }
        }
    }
}
