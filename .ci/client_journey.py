"""A coordinator's journey through a Python client generated from nido's
OpenAPI document (openapi-python-client), as a new user would write it:
log in without a token (the password, then a code of her authenticator:
coordinators must have a second factor), refer a family, admit it, find it among the
deadlines, renew its first period, and see a second renewal of the same
period refused with 409 `stale_period`.

Usage: python client_journey.py CLIENT_DIR BASE_URL EMAIL PASSWORD TOTP_SECRET
(CLIENT_DIR holds the generated package `nido_client`).
"""

import datetime
import sys
from pathlib import Path

sys.path.insert(0, sys.argv[1])
sys.path.insert(0, str(Path(__file__).resolve().parent))

import totp  # noqa: E402

from nido_client import AuthenticatedClient, Client  # noqa: E402
from nido_client.api.auth import login, login_second_step  # noqa: E402
from nido_client.api.placements import list_deadlines, renew  # noqa: E402
from nido_client.api.referrals import admit, create_referral  # noqa: E402
from nido_client.models import (  # noqa: E402
    AdmissionRequest,
    ChildInput,
    CreateReferralRequest,
    CreatedReferralResponse,
    DeadlineStatus,
    LoginRequest,
    LoginResponse,
    MfaChallenge,
    MotherInput,
    NewFamilyInput,
    PlacementResponse,
    Problem,
    ReferralReason,
    ReferralSource,
    RenewalRequest,
    SecondStep,
)


def expect(value, kind, step):
    if not isinstance(value, kind):
        raise SystemExit(f"{step}: expected {kind.__name__}, got {value!r}")
    return value


def main():
    base_url, email, password, secret = sys.argv[2:6]
    today = datetime.date.today()

    # Logging in needs no token: the operations say `security: []`. The
    # password opens a challenge, and the code of the moment finishes it.
    anonymous = Client(base_url=base_url)
    challenge = expect(
        login.sync(client=anonymous, body=LoginRequest(email=email, password=password)),
        MfaChallenge,
        "login",
    )
    session = expect(
        login_second_step.sync(client=anonymous, body=SecondStep(challenge=challenge.challenge, code=totp.code(secret))),
        LoginResponse,
        "login's second step",
    )
    client = AuthenticatedClient(base_url=base_url, token=session.token)

    referral = expect(
        create_referral.sync(
            client=client,
            body=CreateReferralRequest(
                family=NewFamilyInput(
                    mother=MotherInput(
                        first_name="Lison", last_name="Client-Généré", birth_date=datetime.date(2001, 5, 17)
                    ),
                    children=[ChildInput(first_name="Noé", birth_date=today - datetime.timedelta(days=200))],
                ),
                source=ReferralSource.ASE,
                eds="Ivry-sur-Seine",
                referred_on=today - datetime.timedelta(days=10),
                referrer_name="Service ASE (fictif)",
                referrer_contact="ase.fictif@example.org",
                reason=ReferralReason.OTHER,
            ),
        ),
        CreatedReferralResponse,
        "referral",
    )
    # A new mother like no file: nothing to warn of.
    if referral.possible_duplicates:
        raise SystemExit(f"referral: unexpected possible duplicates {referral.possible_duplicates!r}")
    placement = expect(
        admit.sync(referral.id, client=client, body=AdmissionRequest(admitted_on=today - datetime.timedelta(days=5))),
        PlacementResponse,
        "admission",
    )

    deadlines = list_deadlines.sync(client=client, within_days=365)
    mine = [item for item in deadlines.items if item.placement_id == placement.id]
    if len(mine) != 1 or mine[0].current_period.number != 1:
        raise SystemExit(f"deadlines: the new placement is not listed once in period 1: {mine!r}")
    if not isinstance(mine[0].status, DeadlineStatus) or not mine[0].renewable:
        raise SystemExit(f"deadlines: unexpected item {mine[0]!r}")

    decision = RenewalRequest(period_number=1, decided_on=today, decided_by="ASE du Val-de-Marne (fictif)")
    first = renew.sync(placement.id, client=client, body=decision)
    if isinstance(first, Problem) or first is None:
        raise SystemExit(f"renewal refused: {first!r}")
    second = renew.sync_detailed(placement.id, client=client, body=decision)
    refused = expect(second.parsed, Problem, "second renewal")
    if second.status_code != 409 or refused.code != "stale_period":
        raise SystemExit(f"second renewal: expected 409 stale_period, got {second.status_code} {refused.code}")
    print("client journey: login with a second factor, referral, admission, deadlines, renewal, 409 stale_period: ok")


main()
