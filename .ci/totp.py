"""RFC 6238 codes (SHA-1, 6 digits, 30-second steps) with the standard
library alone, as an authenticator app computes them: CI enrols its
accounts with these, and the generated client's journey signs in with them.

Usage: python3 totp.py SECRET [STEPS]   prints the code of now + STEPS steps.
"""

import base64
import hashlib
import hmac
import struct
import sys
import time


def code(secret, steps=0, now=None):
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int((time.time() if now is None else now) // 30) + steps
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def _rfc_6238_appendix_b():
    # The SHA-1 vector: "12345678901234567890" gives 94287082 at 59 s.
    secret = base64.b32encode(b"12345678901234567890").decode()
    assert code(secret, now=59) == "287082", code(secret, now=59)


if __name__ == "__main__":
    _rfc_6238_appendix_b()
    print(code(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 0))
