//! The rules a change can collide with (409), each with its stable code and
//! the one sentence that explains it, written here once.

string_enum! {
    /// A change refused because of the state it met.
    Conflict {
        EmailTaken => "email_taken",
        /// An admin may not disable herself or give up her own admin role.
        SelfLockout => "self_lockout",
        /// Nobody changes her own password or email through the admins'
        /// user form: `PUT /me/password` asks for the current password.
        UseMePassword => "use_me_password",
        /// Nobody resets her own second factor through the admins' route:
        /// `DELETE /me/mfa` asks for the password and a code.
        UseMeMfa => "use_me_mfa",
        AlreadyPlaced => "already_placed",
        ReferralPending => "referral_pending",
        ReferralNotPending => "referral_not_pending",
        CapReached => "cap_reached",
        StalePeriod => "stale_period",
        PlacementEnded => "placement_ended",
        UnitOccupied => "unit_occupied",
        NoActiveLease => "no_active_lease",
        OverCapacity => "over_capacity",
        AlreadyHoused => "already_housed",
        LeaseOverlap => "lease_overlap",
        /// A closed file was reopened before it could be anonymised.
        FileOpen => "file_open",
        CrecheFull => "creche_full",
        BookingOverlap => "booking_overlap",
        AlreadyClosed => "already_closed",
        BookingClosed => "booking_closed",
        /// The family already takes part in this workshop.
        AlreadyParticipating => "already_participating",
        /// The workshop has as many families as its capacity.
        WorkshopFull => "workshop_full",
        /// The account has a second factor already: remove it first.
        MfaAlreadyEnrolled => "mfa_already_enrolled",
        /// No enrolment is waiting for its first code.
        MfaNotStarted => "mfa_not_started",
        /// A document's stored content fails its check (tampered with,
        /// or damaged): it is never served.
        DocumentIntegrity => "document_integrity",
        /// An attestation d'hébergement for a family the centre does not
        /// house today.
        NotHoused => "not_housed",
        /// A housing step's status may not make that move.
        StepStatusMove => "step_status_move",
        /// The follow-up of that month after the exit is recorded already.
        FollowUpRecorded => "follow_up_recorded",
        /// A follow-up after the exit, for a placement still going on.
        PlacementActive => "placement_active",
        /// A lease signed after the Visale visa it relies on ran out.
        VisaleExpired => "visale_expired",
        /// The pair of files was decided on already.
        PairDecided => "pair_decided",
        /// A new family that is probably one nido holds already.
        PossibleDuplicate => "possible_duplicate",
        /// Mail is off (`mail.smtp_url` unset): nothing can be sent.
        MailNotConfigured => "mail_not_configured",
        /// Another site already has this name.
        SiteNameTaken => "site_name_taken",
    }
}

impl Conflict {
    /// What the caller reads in the problem's `detail`.
    pub fn sentence(self) -> &'static str {
        match self {
            Conflict::EmailTaken => "Another user already has this email.",
            Conflict::SelfLockout => {
                "You cannot disable your own account or give up your own admin role."
            }
            Conflict::UseMePassword => {
                "You cannot change your own password or email here: change your password with PUT /api/v1/me/password, which asks for the current one; another admin may change your email."
            }
            Conflict::UseMeMfa => {
                "You cannot reset your own second factor here: remove it with DELETE /api/v1/me/mfa, which asks for your password and a code; another admin may reset it."
            }
            Conflict::AlreadyPlaced => "This family already has an active placement.",
            Conflict::ReferralPending => "This family already has a pending referral.",
            Conflict::ReferralNotPending => "Only a pending referral can lead to an admission.",
            Conflict::CapReached => {
                "The current period already ends the day before the youngest child's third birthday."
            }
            Conflict::StalePeriod => "That period is not the current one: it was renewed already.",
            Conflict::PlacementEnded => "This placement has ended.",
            Conflict::UnitOccupied => "Another family lives in this unit on or after that day.",
            Conflict::NoActiveLease => "No lease of this unit covers that day.",
            Conflict::OverCapacity => {
                "The mother and her children are more than the unit can take."
            }
            Conflict::AlreadyHoused => "This family already lives somewhere on that day.",
            Conflict::LeaseOverlap => "This lease would overlap another lease of the same unit.",
            Conflict::FileOpen => "This family's file is open again.",
            Conflict::CrecheFull => "The crèche has no place left at some moment of that slot.",
            Conflict::BookingOverlap => "This child is already booked at that time.",
            Conflict::AlreadyClosed => "The crèche is already closed that day.",
            Conflict::BookingClosed => {
                "This booking was cancelled or its attendance recorded already."
            }
            Conflict::AlreadyParticipating => "This family already takes part in this workshop.",
            Conflict::WorkshopFull => "This workshop already has as many families as it takes.",
            Conflict::MfaAlreadyEnrolled => {
                "This account already has a second factor: remove it before enrolling again."
            }
            Conflict::MfaNotStarted => {
                "No enrolment is waiting for a code: start one with POST /me/mfa/totp."
            }
            Conflict::NotHoused => {
                "This family is not housed by the centre today: there is nothing to attest."
            }
            Conflict::StepStatusMove => {
                "A housing step moves forward only (preparing, filed, decided, offer), and once accepted, refused or withdrawn it does not move: add a new step instead."
            }
            Conflict::FollowUpRecorded => {
                "The follow-up of that month after the exit is recorded already."
            }
            Conflict::PlacementActive => {
                "This placement has not ended: follow-ups come after the exit."
            }
            Conflict::VisaleExpired => {
                "No Visale visa of the placement covers that day: the lease must be signed once the visa is granted and before it runs out."
            }
            Conflict::PairDecided => "These two files were decided on already.",
            Conflict::SiteNameTaken => "Another site already has this name.",
            Conflict::MailNotConfigured => {
                "Mail is not configured on this installation (mail.smtp_url): nido sends no mail."
            }
            Conflict::PossibleDuplicate => {
                "This mother probably has a file already (see candidates): refer that family by its family_id, or confirm a new file with confirm_new: {reason}."
            }
            Conflict::DocumentIntegrity => {
                "This document's stored content fails its integrity check: it is not served. The incident is logged; ask an admin to restore it from a backup."
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_conflict_has_its_own_code_and_a_sentence() {
        let mut codes: Vec<&str> = Conflict::ALL.iter().map(|c| c.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), Conflict::ALL.len());
        for conflict in Conflict::ALL {
            assert!(conflict.sentence().ends_with('.'), "{conflict}");
        }
    }
}
