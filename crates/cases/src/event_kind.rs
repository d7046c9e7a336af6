//! The kinds of a family's timeline events: a vocabulary of its own, which
//! the registry of family records (what events each kind of record makes)
//! and the timeline (which makes them) both name, and which imports neither.

/// What happened. On one day, events come in this order within a
/// placement (the declaration order is the ranking); interventions and
/// workshops, which have an instant, come by their instant; a crèche
/// booking comes last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum EventKind {
    Referral,
    Admission,
    Period,
    Move,
    Intervention,
    Renewal,
    Exit,
    CrecheBooking,
    /// The family took part in a workshop (*atelier*).
    Workshop,
    /// A version of the projet personnalisé was written.
    ProjectReview,
    /// An information préoccupante was transmitted about a child.
    Concern,
    /// A step towards a home was filed (or recorded, before it is filed).
    HousingStep,
    /// A follow-up after the exit was made.
    FollowUp,
    /// A coordinator found that another file is the same mother's: the
    /// two are linked.
    LinkedFile,
}

impl EventKind {
    pub const ALL: &'static [EventKind] = &[
        EventKind::Referral,
        EventKind::Admission,
        EventKind::Period,
        EventKind::Move,
        EventKind::Intervention,
        EventKind::Renewal,
        EventKind::Exit,
        EventKind::CrecheBooking,
        EventKind::Workshop,
        EventKind::ProjectReview,
        EventKind::Concern,
        EventKind::HousingStep,
        EventKind::FollowUp,
        EventKind::LinkedFile,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Referral => "referral",
            EventKind::Admission => "admission",
            EventKind::Period => "period",
            EventKind::Move => "move",
            EventKind::Intervention => "intervention",
            EventKind::Renewal => "renewal",
            EventKind::Exit => "exit",
            EventKind::CrecheBooking => "creche_booking",
            EventKind::Workshop => "workshop",
            EventKind::ProjectReview => "project_review",
            EventKind::Concern => "concern",
            EventKind::HousingStep => "housing_step",
            EventKind::FollowUp => "follow_up",
            EventKind::LinkedFile => "linked_file",
        }
    }
}
