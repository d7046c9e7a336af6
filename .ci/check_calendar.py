"""The calendar feed read by an independent parser: Python's `icalendar`.

Makes a calendar feed for the user of TOKEN (POST /api/v1/me/calendar),
fetches it without a token, and checks that it is one VCALENDAR with at
least one VEVENT, each with a UID, a SUMMARY and a whole day: DTSTART a
date (not a date-time) and DTEND the day after.

Usage: python check_calendar.py BASE_URL TOKEN
"""

import datetime
import json
import sys
import urllib.request

import icalendar


def main(base, token):
    request = urllib.request.Request(
        f"{base}/api/v1/me/calendar",
        method="POST",
        headers={"Authorization": f"Bearer {token}"},
    )
    with urllib.request.urlopen(request) as response:
        if response.status != 201:
            raise SystemExit(f"POST /me/calendar answered {response.status}")
        url = json.load(response)["url"]
    if not (url.startswith("/api/v1/calendar/") and url.endswith(".ics")):
        raise SystemExit(f"unexpected feed address {url!r}")

    # No token: the secret in the address is the credential.
    with urllib.request.urlopen(base + url) as response:
        content_type = response.headers["content-type"]
        if content_type != "text/calendar; charset=utf-8":
            raise SystemExit(f"feed served as {content_type!r}")
        body = response.read()

    calendar = icalendar.Calendar.from_ical(body)
    if calendar.name != "VCALENDAR":
        raise SystemExit(f"the feed is a {calendar.name}, not a VCALENDAR")
    if str(calendar.get("VERSION")) != "2.0" or not calendar.get("PRODID"):
        raise SystemExit("the VCALENDAR lacks VERSION:2.0 or PRODID")
    events = list(calendar.walk("VEVENT"))
    if not events:
        raise SystemExit("the feed holds no VEVENT")
    for event in events:
        uid = event.get("UID")
        if not uid or not event.get("SUMMARY"):
            raise SystemExit(f"an event lacks UID or SUMMARY: {event.to_ical()!r}")
        start = event.decoded("DTSTART")
        end = event.decoded("DTEND")
        # A datetime is a date too: an all-day event's start is a date only.
        if isinstance(start, datetime.datetime) or not isinstance(start, datetime.date):
            raise SystemExit(f"{uid}: DTSTART {start!r} is not a date")
        if end != start + datetime.timedelta(days=1):
            raise SystemExit(f"{uid}: DTEND {end!r} is not the day after {start}")
    print(f"calendar feed: a VCALENDAR of {len(events)} all-day events, read by icalendar: ok")


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/"), sys.argv[2])
