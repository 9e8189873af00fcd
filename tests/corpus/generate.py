#!/usr/bin/env python3
"""Synthetic breach corpus with full ground truth, for breachscope accuracy tests.

    python3 tests/corpus/generate.py --out DIR --seed N [--people 400] [--key-file K]

Python 3 standard library only. Output is byte-identical for the same --seed,
--people and key (no use of hash() ordering, time, or the environment).

Writes:
  DIR/input/...              the files to scan (CSV, TSV, quoted CSV with embedded
                             newlines, JSON, JSON Lines, app logs, SQL dump, UTF-8 prose,
                             Windows-1252 text, UTF-16LE with BOM, UTF-16BE without BOM,
                             HTML with a base64 JSON record, source code, trap memos),
                             and a second set of such documents, for other people,
                             wrapped in containers and encodings (zip, tar.gz, tar.bz2,
                             gz, zip in tar.gz, eml, mbox, base64 / gzip+base64 in HTML,
                             url, hex, docx, xlsx, sqlite, pdf; see build_wrapped and
                             containers.py). Their truth paths are member paths
                             ("a.zip!dir/b.csv", "m.mbox!2!b.txt") and kinds
                             "<container>:<document kind>". Then a third set of
                             plain documents for entity resolution (namesakes,
                             households, people known only by name + health id,
                             people spread over many files with name and SSN
                             variants; see build_resolution).
  DIR/truth.jsonl            one line per planted finding (one per occurrence):
                             {"path","type","canonical","hash","person","written","kind"}
  DIR/truth_people.jsonl     one line per synthetic person: id, name, dob, state, types
  DIR/traps.jsonl            precision traps (never findings) with the hash they would
                             have under the type they could be mistaken for (debug aid)
  DIR/protected_values.txt   every planted protected identifier (ssn, credit_card,
                             bank_account, drivers_license, passport, mbi, health_id,
                             student_id) in every written form used, plus its canonical
  DIR/contact_values.txt     names, emails, phones, streets as written (and canonical)
  DIR/manifest.json          path -> file kind, member path -> kind, and per-kind /
                             per-type document and truth counts
  DIR/key                    the HMAC key (fixed 32 bytes unless --key-file is given)

hash = lowercase hex HMAC-SHA256(key, TYPE + ":" + CANONICAL) as in shared/contract.md.

Truth is deliberately conservative: only values the contract unambiguously makes a
finding are planted; everything else in the files is noise or a labelled trap.
"""

import argparse
import base64
import collections
import csv
import datetime
import hashlib
import hmac
import io
import json
import os
import random
import re
import shutil
import sys
import tarfile
import unicodedata
import urllib.parse
import zipfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import containers  # noqa: E402  (tests/corpus/containers.py)

DEFAULT_KEY = b"breachscope-corpus-fixed-key-v01"
assert len(DEFAULT_KEY) == 32

PROTECTED_TYPES = ("ssn", "credit_card", "bank_account", "drivers_license", "passport",
                   "mbi", "health_id", "student_id")
CONTACT_TYPES = ("name", "email", "phone", "address")
ALL_TYPES = ("ssn", "dob", "email", "phone", "credit_card", "bank_account",
             "drivers_license", "passport", "mbi", "health_id", "diagnosis",
             "student_id", "name", "address")

# --------------------------------------------------------------------------------------
# Embedded name lists: common US first names (SSA/Census popular names) and the most
# common US Census 2010 surnames. Words that are also ordinary English words, places or
# states (Grace, Virginia, Madison, Young, King, Washington, ...) are left out so that the
# text around planted names stays unambiguous.
# --------------------------------------------------------------------------------------
FEMALE = """Mary Patricia Jennifer Linda Elizabeth Barbara Susan Jessica Sarah Karen Lisa
Nancy Betty Sandra Margaret Ashley Kimberly Emily Donna Michelle Carol Amanda Melissa
Deborah Stephanie Dorothy Rebecca Sharon Laura Cynthia Amy Kathleen Angela Shirley
Brenda Emma Anna Pamela Nicole Samantha Katherine Christine Helen Debra Rachel Carolyn
Janet Maria Catherine Heather Diane Olivia Julie Joyce Ruth Lauren Kelly Christina Joan
Evelyn Judith Andrea Hannah Megan Cheryl Jacqueline Martha Teresa Gloria Sara Janice
Kathryn Abigail Sophia Frances Jean Alice Judy Isabella Julia Denise Danielle Marilyn
Beverly Natalie Theresa Diana Brittany Doris Kayla Alexis Lori""".split()
MALE = """James Robert John Michael David William Richard Joseph Thomas Christopher
Charles Daniel Matthew Anthony Donald Steven Andrew Paul Joshua Kenneth Kevin Brian
George Timothy Ronald Jason Edward Jeffrey Ryan Jacob Gary Nicholas Eric Jonathan
Stephen Lawrence Justin Scott Brandon Benjamin Samuel Gregory Alexander Patrick
Raymond Dennis Jerry Tyler Aaron Adam Nathan Henry Zachary Douglas Peter Kyle Noah
Ethan Jeremy Walter Keith Roger Terry Sean Gerald Carl Harold Dylan Arthur Jesse Bryan
Bruce Gabriel Logan Alan Juan Albert Elijah Wayne Randy Vincent Roy Ralph Russell
Bradley Philip Eugene""".split()
SURNAMES = """Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez
Hernandez Lopez Gonzalez Wilson Anderson Thomas Taylor Moore Jackson Martin Lee Perez
Thompson Harris Sanchez Clark Ramirez Lewis Robinson Walker Allen Wright Scott Torres
Nguyen Flores Adams Nelson Baker Rivera Campbell Mitchell Carter Roberts Gomez Phillips
Evans Turner Diaz Parker Cruz Edwards Collins Reyes Stewart Morris Morales Murphy Rogers
Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward
Richardson Watson Brooks Chavez James Bennett Mendoza Ruiz Hughes Alvarez Castillo
Sanders Patel Myers Ross Foster Jimenez Powell Jenkins Perry Russell Sullivan Coleman
Butler Henderson Barnes Gonzales Fisher Vasquez Simmons Romero Patterson Alexander
Hamilton Graham Reynolds Griffin Wallace Moreno Cole Hayes Bryant Herrera Gibson Ellis
Tran Medina Aguilar Stevens Murray Castro Marshall Owens Harrison Fernandez McDonald
Kennedy Vargas Henry Chen Freeman Webb Tucker Guzman Burns Crawford Olson Simpson Porter
Hunter Gordon Mendez Silva Shaw Snyder Dixon Hicks Holmes Palmer Wagner Robertson Boyd
Salazar Warren Meyer Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver Ryan
Gardner Payne Dunn Whitfield Oyelaran Okafor Nakamura Kowalski Lindqvist""".split()
# Accented names; every character is representable in Windows-1252.
ACCENT_FIRST_F = ["Zoë", "Renée", "Chloé", "Inés", "Léa", "Noémie", "Céline"]
ACCENT_FIRST_M = ["José", "André", "François", "Björn", "Søren", "Jérôme", "Raúl"]
ACCENT_LAST = ["Núñez", "Peña", "Müller", "Lefèvre", "Muñoz", "Ødegaard", "Gómez",
               "Fernández", "Brontë", "Dubé", "Jäger", "Çelik"]
NICKNAMES = {"Robert": "Bob", "James": "Jim", "Michael": "Mike", "Katherine": "Kate",
             "Elizabeth": "Liz", "Thomas": "Tom", "Joseph": "Joe", "Christopher": "Chris",
             "Daniel": "Dan", "Matthew": "Matt", "Anthony": "Tony", "Steven": "Steve",
             "Jennifer": "Jen", "Rebecca": "Becky", "Margaret": "Peggy", "Richard": "Rick",
             "David": "Dave", "Andrew": "Andy", "Nicholas": "Nick", "Samantha": "Sam",
             "Benjamin": "Ben", "Gregory": "Greg", "Kenneth": "Ken", "Joshua": "Josh",
             "Patricia": "Patty", "Jacqueline": "Jackie", "Timothy": "Tim"}

STREET_NAMES = """Elm Oak Pine Maple Cedar Walnut Chestnut Birch Spruce Willow Hickory
Sycamore Dogwood Magnolia Juniper Aspen Poplar Cherry Ridge Lake Park River Meadow Sunset
Highland Prairie Orchard Valley Forest Spring Creek Summit Main Church Mill Bluff Quarry
Cottonwood Redbud Sassafras Boonville Providence Rollins Ashland Broadway""".split()
STREET_TWO = ["Lake View", "Deer Run", "Fox Hollow", "Stone Gate", "Cedar Ridge",
              "Pine Valley", "Blue Ridge", "Rock Quarry", "Old Mill", "Green Meadows"]
SUFFIXES = ["Street", "St", "Avenue", "Ave", "Road", "Rd", "Drive", "Lane", "Ln",
            "Court", "Ct", "Boulevard", "Blvd", "Way", "Place", "Terrace", "Circle"]

# (city, state, zips, area codes) -- real ZIP codes and area codes for the city.
CITIES = [
    ("Columbia", "MO", ["65201", "65202", "65203"], ["573"]),
    ("Jefferson City", "MO", ["65101", "65109"], ["573"]),
    ("St. Louis", "MO", ["63104", "63110", "63116"], ["314"]),
    ("Kansas City", "MO", ["64105", "64111", "64114"], ["816"]),
    ("Springfield", "MO", ["65802", "65804", "65807"], ["417"]),
    ("Joplin", "MO", ["64801"], ["417"]),
    ("Minneapolis", "MN", ["55401", "55405", "55455"], ["612"]),
    ("Saint Paul", "MN", ["55102", "55104"], ["651"]),
    ("Chicago", "IL", ["60601", "60614", "60625"], ["312", "773"]),
    ("Peoria", "IL", ["61602", "61604"], ["309"]),
    ("Omaha", "NE", ["68102", "68104"], ["402"]),
    ("Des Moines", "IA", ["50309", "50310"], ["515"]),
    ("Topeka", "KS", ["66603", "66604"], ["785"]),
    ("Wichita", "KS", ["67202", "67203"], ["316"]),
    ("Tulsa", "OK", ["74103", "74104"], ["918"]),
    ("Little Rock", "AR", ["72201", "72205"], ["501"]),
    ("Memphis", "TN", ["38103", "38104"], ["901"]),
    ("Nashville", "TN", ["37203", "37206"], ["615"]),
    ("Louisville", "KY", ["40202", "40204"], ["502"]),
    ("Columbus", "OH", ["43215"], ["614"]),
    ("Cleveland", "OH", ["44113"], ["216"]),
    ("Detroit", "MI", ["48201", "48226"], ["313"]),
    ("Milwaukee", "WI", ["53202", "53211"], ["414"]),
    ("Denver", "CO", ["80202", "80206"], ["303", "720"]),
    ("Phoenix", "AZ", ["85004"], ["602"]),
    ("Albuquerque", "NM", ["87102"], ["505"]),
    ("Salt Lake City", "UT", ["84101"], ["801"]),
    ("Las Vegas", "NV", ["89101"], ["702"]),
    ("Boise", "ID", ["83702"], ["208"]),
    ("Seattle", "WA", ["98101", "98103"], ["206"]),
    ("Portland", "OR", ["97201", "97205"], ["503"]),
    ("Sacramento", "CA", ["95814"], ["916"]),
    ("San Diego", "CA", ["92101"], ["619"]),
    ("Dallas", "TX", ["75201"], ["214"]),
    ("Houston", "TX", ["77002"], ["713"]),
    ("Atlanta", "GA", ["30303"], ["404"]),
    ("Tampa", "FL", ["33602"], ["813"]),
    ("Baltimore", "MD", ["21201"], ["410"]),
    ("Richmond", "VA", ["23219"], ["804"]),
    ("Raleigh", "NC", ["27601"], ["919"]),
    ("Newark", "NJ", ["07102"], ["973"]),
    ("Boston", "MA", ["02108"], ["617"]),
    ("Philadelphia", "PA", ["19103"], ["215"]),
    ("Buffalo", "NY", ["14202"], ["716"]),
    ("New Orleans", "LA", ["70112"], ["504"]),
]

# Driver's licence shapes per state, from shared/formats.md. A = letter, N = digit,
# W = WDL alphabet. Pure 9-digit (SSN-shaped) and 10-digit (phone-shaped) shapes are
# avoided so that each planted licence has exactly one plausible type.
DL_SHAPES = {
    "MO": ["ANNNNNNNNN", "ANNNNNN", "NNNANNNNNN"], "MN": ["ANNNNNNNNNNNN"],
    "IL": ["ANNNNNNNNNNN"], "NE": ["ANNNNNNN"], "IA": ["NNNAANNNN"], "KS": ["ANNNNNNNN"],
    "OK": ["ANNNNNNNNN"], "AR": ["NNNNNNNN"], "TN": ["NNNNNNNN"], "KY": ["ANNNNNNNN"],
    "OH": ["AANNNNNN", "ANNNNNNN"], "MI": ["ANNNNNNNNNNNN"], "WI": ["ANNNNNNNNNNNNN"],
    "CO": ["ANNNNNN"], "AZ": ["ANNNNNNNN"], "NM": ["NNNNNNNN"], "UT": ["NNNNNNNN"],
    "NV": ["XNNNNNNNN"], "ID": ["AANNNNNNA"], "WA": ["WDLWWWWWWWWW"], "OR": ["ANNNNNN"],
    "CA": ["ANNNNNNN"], "TX": ["NNNNNNNN"], "GA": ["NNNNNNNN"], "FL": ["ANNNNNNNNNNNN"],
    "MD": ["ANNNNNNNNNNNN"], "VA": ["ANNNNNNNN"], "NC": ["NNNNNNNNNNNN"],
    "NJ": ["ANNNNNNNNNNNNNN"], "MA": ["SNNNNNNNN"], "PA": ["NNNNNNNN"], "NY": ["ANNNNNNN"],
    "LA": ["NNNNNNNN"],
}

ICD10 = [
    ("E11.9", "Type 2 diabetes mellitus without complications"),
    ("I10", "Essential (primary) hypertension"),
    ("E78.5", "Hyperlipidemia, unspecified"),
    ("J45.909", "Unspecified asthma, uncomplicated"),
    ("F32.9", "Major depressive disorder, single episode, unspecified"),
    ("F41.1", "Generalized anxiety disorder"),
    ("M54.50", "Low back pain, unspecified"),
    ("K21.9", "Gastro-esophageal reflux disease without esophagitis"),
    ("N39.0", "Urinary tract infection, site not specified"),
    ("J44.9", "Chronic obstructive pulmonary disease, unspecified"),
    ("E03.9", "Hypothyroidism, unspecified"),
    ("E66.9", "Obesity, unspecified"),
    ("G43.909", "Migraine, unspecified, not intractable, without status migrainosus"),
    ("I25.10", "Atherosclerotic heart disease of native coronary artery"),
    ("M17.11", "Unilateral primary osteoarthritis, right knee"),
    ("Z79.4", "Long term (current) use of insulin"),
    ("R51.9", "Headache, unspecified"),
    ("S82.61XA", "Displaced fracture of lateral malleolus of right fibula, initial encounter"),
    ("E11.65", "Type 2 diabetes mellitus with hyperglycemia"),
    ("I48.91", "Unspecified atrial fibrillation"),
    ("F90.0", "Attention-deficit hyperactivity disorder, predominantly inattentive type"),
    ("J06.9", "Acute upper respiratory infection, unspecified"),
    ("N18.30", "Chronic kidney disease, stage 3 unspecified"),
    ("U07.1", "COVID-19"),
]

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
LETTERS_NO_IO = "ABCDEFGHJKLMNPQRSTUVWXYZ"
MBI_LETTERS = "ACDEFGHJKMNPQRTUVWXY"          # excludes S L O I B Z
WDL_ALPHABET = "BCDFGHJKLMNPRSTWXYZ0123456789"  # no vowels, Q or V
BLOCKED_SSNS = {"078051120", "219099999", "123456789"}

WORDS = """the of and to in is was for that on with as by at from this be are or it an
which have not has but were had been their they one all there would will more other its
about these when so some them than may then into only also can who time after new first
two years over such most could made any between under very each many through where those
being while during before same well should because both since use without record report
policy claim payment review request update office team please note attached following
information service system data process company benefits department issue meeting
schedule week month quarter budget order delivery shipment statement transfer deposit
provider coverage plan enrollment application approval document copy original confirm
verify check submit receive send forward reply thanks morning afternoon yesterday
tomorrow today soon later earlier recent previous current annual monthly weekly daily
total amount due paid open closed pending active inactive approved denied""".split()


# --------------------------------------------------------------------------------------
# Validators (used to build valid values and to prove that noise is not a finding).
# --------------------------------------------------------------------------------------
def luhn_ok(digits):
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def luhn_complete(body):
    for c in "0123456789":
        if luhn_ok(body + c):
            return body + c
    raise AssertionError


def card_brand(d):
    """Brand per shared/formats.md rule 3, or None."""
    n = len(d)
    if not d.isdigit():
        return None
    p2, p3, p4, p6 = int(d[:2]), int(d[:3]), int(d[:4]), int(d[:6]) if n >= 6 else -1
    if d[0] == "4" and n in (13, 16, 19):
        return "visa"
    if (51 <= p2 <= 55 or 2221 <= p4 <= 2720) and n == 16:
        return "mastercard"
    if p2 in (34, 37) and n == 15:
        return "amex"
    if (p4 == 6011 or 622126 <= p6 <= 622925 or 644 <= p3 <= 649 or p2 == 65) and 16 <= n <= 19:
        return "discover"
    if 3528 <= p4 <= 3589 and 16 <= n <= 19:
        return "jcb"
    if (300 <= p3 <= 305 or p3 == 309 or p2 in (36, 38, 39)) and 14 <= n <= 19:
        return "diners"
    if p2 == 62 and 16 <= n <= 19:
        return "unionpay"
    if (p2 == 50 or 56 <= p2 <= 69) and 12 <= n <= 19:
        return "maestro"
    return None


def card_valid(d):
    return d.isdigit() and luhn_ok(d) and card_brand(d) is not None


def ssn_valid(d):
    if len(d) != 9 or not d.isdigit():
        return False
    a, g, s = d[:3], d[3:5], d[5:]
    if a in ("000", "666") or a[0] == "9" or g == "00" or s == "0000":
        return False
    return d not in BLOCKED_SSNS


def aba_ok(d):
    if len(d) != 9 or not d.isdigit():
        return False
    v = [int(c) for c in d]
    s = 3 * (v[0] + v[3] + v[6]) + 7 * (v[1] + v[4] + v[7]) + (v[2] + v[5] + v[8])
    p = int(d[:2])
    return s % 10 == 0 and (p <= 12 or 21 <= p <= 32 or 61 <= p <= 72 or p == 80)


def nanp_ok(d):
    if len(d) != 10 or not d.isdigit():
        return False
    if d[0] in "01" or d[1] == "9" or d[1:3] == "11":
        return False
    if d[3] in "01" or d[4:6] == "11":
        return False
    if d[3:6] == "555" and d[6:8] == "01":
        return False
    return True


def mbi_ok(m):
    if len(m) != 11:
        return False
    L = MBI_LETTERS
    checks = [lambda c: c in "123456789", lambda c: c in L, lambda c: c in L or c.isdigit(),
              lambda c: c.isdigit(), lambda c: c in L, lambda c: c in L or c.isdigit(),
              lambda c: c.isdigit(), lambda c: c in L, lambda c: c in L,
              lambda c: c.isdigit(), lambda c: c.isdigit()]
    return all(f(c) for f, c in zip(checks, m))


def alnum_upper(s):
    return "".join(c for c in s if c.isalnum()).upper()


def digits(s):
    return "".join(c for c in s if c.isdigit())


def is_word_char(ch):
    return ch.isascii() and ch.isalnum()


def count_bounded(text, needle):
    """Occurrences of needle in text not glued to ASCII alphanumerics on either side."""
    n, start = 0, 0
    while True:
        i = text.find(needle, start)
        if i < 0:
            return n
        j = i + len(needle)
        if (i == 0 or not is_word_char(text[i - 1])) and (j >= len(text) or not is_word_char(text[j])):
            n += 1
        start = i + 1


def nfc(s):
    return unicodedata.normalize("NFC", s)


# --------------------------------------------------------------------------------------
# People
# --------------------------------------------------------------------------------------
class Person:
    pass


class IdRegistry:
    """Keeps every generated identifier unique across the whole corpus."""

    def __init__(self):
        self.used = set()

    def claim(self, value):
        if value in self.used:
            return False
        self.used.add(value)
        return True


def make_people(rng, n, reg, prefix="t", emails=None):
    """`prefix` starts the person ids; `emails` (a set) keeps e-mails unique across
    several calls."""
    people = []
    emails = set() if emails is None else emails
    for i in range(n):
        p = Person()
        p.id = "%s%04d" % (prefix, i + 1)
        p.sex = rng.choice("FM")
        accented = rng.random() < 0.07
        if accented:
            p.first = rng.choice(ACCENT_FIRST_F if p.sex == "F" else ACCENT_FIRST_M)
            p.last = rng.choice(ACCENT_LAST)
        else:
            p.first = rng.choice(FEMALE if p.sex == "F" else MALE)
            p.last = rng.choice(SURNAMES)
        p.first, p.last = nfc(p.first), nfc(p.last)
        p.accented = accented or any(ord(c) > 127 for c in p.first + p.last)
        p.middle = rng.choice(LETTERS_NO_IO) if rng.random() < 0.35 else None
        p.suffix = rng.choice(["Jr.", "III"]) if p.sex == "M" and rng.random() < 0.06 else None
        p.nick = NICKNAMES.get(p.first) if rng.random() < 0.5 else None
        # Age bands: a slice of students, a slice of Medicare-age people, the rest adults.
        band = rng.random()
        if band < 0.12:
            dob = datetime.date(2003, 1, 1) + datetime.timedelta(days=rng.randrange(6 * 365))
        elif band < 0.35:
            dob = datetime.date(1936, 1, 1) + datetime.timedelta(days=rng.randrange(21 * 365))
        else:
            dob = datetime.date(1958, 1, 1) + datetime.timedelta(days=rng.randrange(44 * 365))
        p.dob = dob
        p.student_age = dob.year >= 2003
        p.medicare_age = dob.year <= 1957
        while True:
            area = rng.randrange(1, 900)
            if area == 666:
                continue
            s = "%03d%02d%04d" % (area, rng.randrange(1, 100), rng.randrange(1, 10000))
            if ssn_valid(s) and reg.claim(s):
                p.ssn = s
                break
        cw = [3 if c[1] == "MO" else 1 for c in CITIES]
        p.city, p.state, zips, areas = rng.choices(CITIES, weights=cw)[0]
        p.zip5 = rng.choice(zips)
        p.zip4 = "%04d" % rng.randrange(1, 10000) if rng.random() < 0.3 else None
        num = str(rng.randrange(1, 9999))
        sname = rng.choice(STREET_TWO) if rng.random() < 0.15 else rng.choice(STREET_NAMES)
        direction = (rng.choice("NSEW") + " ") if rng.random() < 0.12 else ""
        p.street = f"{num} {direction}{sname} {rng.choice(SUFFIXES)}"
        # e-mail (unique, reserved example domains)
        fa = unicodedata.normalize("NFKD", p.first).encode("ascii", "ignore").decode().lower()
        la = unicodedata.normalize("NFKD", p.last).encode("ascii", "ignore").decode().lower()
        la = la.replace(" ", "")
        doms = ["example.com", "example.org", "example.net", "mail.example.com",
                "inbox.example.net"]
        if p.student_age:
            doms = ["students.example.edu"]
        while True:
            style = rng.randrange(4)
            if style == 0:
                local = f"{fa}.{la}"
            elif style == 1:
                local = f"{fa[0]}{la}{rng.randrange(10, 100)}"
            elif style == 2:
                local = f"{fa}_{la}{rng.randrange(1, 10)}"
            else:
                local = f"{la}.{fa}{rng.randrange(1950, 2010)}"
            e = f"{local}@{rng.choice(doms)}"
            if e not in emails:
                emails.add(e)
                p.email = e
                break
        while True:
            npa = rng.choice(areas)
            nxx = "%03d" % rng.randrange(200, 1000)
            line = "%04d" % rng.randrange(0, 10000)
            ph = npa + nxx + line
            if nxx[1:] == "11" or nxx == "555" or not nanp_ok(ph) or not reg.claim(ph):
                continue
            p.phone = ph
            break
        # optional identifiers
        p.card = make_card(rng, reg) if rng.random() < 0.55 else None
        if rng.random() < 0.35:
            p.routing = make_routing(rng)
            p.account = make_account(rng, reg)
        else:
            p.routing = p.account = None
        p.dl = make_dl(rng, reg, p.state) if (not p.student_age or rng.random() < 0.3) and rng.random() < 0.5 else None
        if p.dl and p.state == "FL" and rng.random() < 0.5:
            d = p.dl  # printed A123-456-78-901-0
            p.dl_written = f"{d[0]}{d[1:4]}-{d[4:7]}-{d[7:9]}-{d[9:12]}-{d[12]}"
        else:
            p.dl_written = p.dl
        p.passport = make_passport(rng, reg) if rng.random() < 0.3 else None
        p.mbi = make_mbi(rng, reg) if (p.medicare_age and rng.random() < 0.9) or rng.random() < 0.04 else None
        if rng.random() < (0.55 if (p.mbi or p.medicare_age) else 0.3):
            p.health_kind = rng.choice(["medicaid", "dcn", "member"])
            p.health = make_health(rng, reg, p.health_kind)
        else:
            p.health_kind = p.health = None
        p.student = make_student(rng, reg) if p.student_age and rng.random() < 0.95 else None
        ndx = 0
        if p.mbi or p.health:
            ndx = rng.choice([1, 1, 2, 3])
        elif rng.random() < 0.1:
            ndx = 1
        p.dx = rng.sample(ICD10, ndx)
        people.append(p)
    return people


def make_card(rng, reg):
    while True:
        k = rng.randrange(10)
        if k < 4:
            num = luhn_complete("4" + "".join(rng.choice("0123456789") for _ in range(14)))
        elif k < 6:
            pre = str(rng.randrange(51, 56))
            num = luhn_complete(pre + "".join(rng.choice("0123456789") for _ in range(13)))
        elif k < 7:
            pre = str(rng.randrange(2221, 2721))
            num = luhn_complete(pre + "".join(rng.choice("0123456789") for _ in range(11)))
        elif k < 8:
            num = luhn_complete("6011" + "".join(rng.choice("0123456789") for _ in range(11)))
        else:
            pre = rng.choice(["34", "37"])
            num = luhn_complete(pre + "".join(rng.choice("0123456789") for _ in range(12)))
        if card_valid(num) and reg.claim(num):
            return num


def make_routing(rng):
    while True:
        p = rng.choice(list(range(1, 13)) + list(range(21, 33)) + list(range(61, 73)))
        body = "%02d" % p + "".join(rng.choice("0123456789") for _ in range(6))
        v = [int(c) for c in body]
        s = 3 * (v[0] + v[3] + v[6]) + 7 * (v[1] + v[4] + v[7]) + (v[2] + v[5])
        r = body + str((10 - s % 10) % 10)
        if aba_ok(r):
            return r


def make_account(rng, reg):
    while True:
        n = rng.choice([8, 11, 12])
        a = str(rng.randrange(1, 10)) + "".join(rng.choice("0123456789") for _ in range(n - 1))
        if not card_valid(a) and reg.claim(a):
            return a


def make_dl(rng, reg, state):
    while True:
        shape = rng.choice(DL_SHAPES.get(state, ["ANNNNNNN"]))
        out = []
        for i, c in enumerate(shape):
            if c == "A":
                out.append(rng.choice(LETTERS_NO_IO))
            elif c == "N":
                out.append(rng.choice("0123456789"))
            elif c == "W":
                out.append(rng.choice(WDL_ALPHABET))
            else:
                out.append(c)
        d = "".join(out)
        if shape.startswith("WDL"):
            # Washington's "WDL" prefix is literal (the first W above only keeps the
            # random stream as it was before this fix).
            d = "WDL" + d[3:]
        if card_valid(d) or (d.isdigit() and len(d) in (9, 10)):
            continue
        if reg.claim(d):
            return d


def make_passport(rng, reg):
    while True:
        if rng.random() < 0.3:
            p = str(rng.randrange(1, 10)) + "".join(rng.choice("0123456789") for _ in range(8))
        else:
            p = rng.choice("ACEFGHJKLMNPRSTUVWXYZ") + "".join(rng.choice("0123456789") for _ in range(8))
        if reg.claim(p):
            return p


def make_mbi(rng, reg):
    L = MBI_LETTERS
    while True:
        m = (rng.choice("123456789") + rng.choice(L) + rng.choice(L + "0123456789") +
             rng.choice("0123456789") + rng.choice(L) + rng.choice(L + "0123456789") +
             rng.choice("0123456789") + rng.choice(L) + rng.choice(L) +
             rng.choice("0123456789") + rng.choice("0123456789"))
        if mbi_ok(m) and reg.claim(m):
            return m


def make_health(rng, reg, kind):
    while True:
        if kind in ("medicaid", "dcn"):
            h = str(rng.randrange(3, 10)) + "".join(rng.choice("0123456789") for _ in range(7))
        else:
            h = "".join(rng.choice(LETTERS_NO_IO) for _ in range(3)) + \
                "".join(rng.choice("0123456789") for _ in range(8))
        if reg.claim(h):
            return h


def make_student(rng, reg):
    while True:
        if rng.random() < 0.6:
            s = "1" + "".join(rng.choice("0123456789") for _ in range(9))  # MOSIS-like, 10 digits
        else:
            s = "S" + "".join(rng.choice("0123456789") for _ in range(7))
        if reg.claim(s):
            return s


# --------------------------------------------------------------------------------------
# Corpus and documents
# --------------------------------------------------------------------------------------
class Corpus:
    def __init__(self, out, key, rng, reg):
        self.out = out
        self.key = key
        self.rng = rng
        self.reg = reg
        self.truth = []
        self.traps = []
        self.protected = set()
        self.contact = set()
        self.kinds = {}
        self.docs = []
        self.capture = None  # while building documents to wrap: where c.doc() puts them
        self.files = []  # container files: (path, kind, bytes)
        self.members = {}  # member path (or decoded file) -> kind, e.g. "zip:csv"

    def h(self, typ, canonical):
        return hmac.new(self.key, (typ + ":" + canonical).encode("utf-8"), hashlib.sha256).hexdigest()

    def doc(self, path, kind, encoding="utf-8"):
        d = Doc(self, path, kind, encoding)
        if self.capture is not None:
            self.capture.append(d)
            return d
        self.docs.append(d)
        self.kinds[path] = kind
        return d


VERIFY_TYPES = {"ssn", "credit_card", "bank_account", "drivers_license", "passport", "mbi",
                "health_id", "student_id", "email", "phone"}


RE_SSN_SEP = re.compile(r"(?<![\w-])(\d{3})([- ])(\d{2})\2(\d{4})(?![\w-])")
RE_NINE = re.compile(r"(?<!\w)\d{9}(?!\w)")
RE_PHONE = re.compile(r"(?<![\w.-])(?:\+1 ?)?\(?(\d{3})\)?[ .-]?(\d{3})[ .-]?(\d{4})(?![\w-])")
RE_CARD = re.compile(r"(?<![\w-])\d(?:[ -]?\d){12,18}(?![\w-])")


class Doc:
    def __init__(self, corpus, path, kind, encoding):
        self.c = corpus
        self.rng = corpus.rng
        self.path = path
        self.kind = kind
        self.encoding = encoding
        self.buf = []
        self.extra = []  # decoded text (e.g. base64 payloads) for self-verification
        self.plants = []
        self.planted = collections.Counter()  # (type, canonical) -> occurrences
        self.trapped = set()  # canonical values of traps in this file
        self.data = None  # raw bytes override
        self.rows = []  # this document's truth and trap rows (rewritten when it is wrapped)

    def move(self, path, kind):
        """The document becomes a container member (or the decoded content of a file):
        every truth and trap row of it takes the new path, truth rows the new kind."""
        self.path, self.kind = path, kind
        for row in self.rows:
            row["path"] = path
            if "kind" in row:
                row["kind"] = kind

    # ---- writing ----
    def w(self, s):
        self.buf.append(s)

    def text(self):
        return "".join(self.buf)

    # ---- planting ----
    def plant(self, typ, person, canonical, written, verify=True):
        assert typ in ALL_TYPES, typ
        row = {"path": self.path, "type": typ, "canonical": canonical,
               "hash": self.c.h(typ, canonical), "person": person.id if person else None,
               "written": written, "kind": self.kind}
        self.c.truth.append(row)
        self.rows.append(row)
        if typ in PROTECTED_TYPES:
            self.c.protected.add(written)
            self.c.protected.add(canonical)
        elif typ in CONTACT_TYPES:
            self.c.contact.add(written)
            self.c.contact.add(canonical)
        if verify:
            self.plants.append((typ, written))
        self.planted[(typ, canonical)] += 1
        return written

    def trap(self, written, could_be, canonical=None, note=""):
        """A value that must NOT be reported (never in truth)."""
        can = canonical if canonical is not None else written
        row = {"path": self.path, "written": written, "could_be": could_be,
               "canonical": can, "hash": self.c.h(could_be, can), "note": note}
        self.c.traps.append(row)
        self.rows.append(row)
        self.trapped.add(can)
        return written

    # ---- typed helpers: each returns the written form and records one occurrence ----
    def name(self, p, style="full"):
        first = p.nick if (style in ("nick",) and p.nick) else p.first
        if style == "nick" and not p.nick:
            style = "full"
        if style in ("full", "nick"):
            w = f"{first} {p.last}"
        elif style == "middle":
            w = f"{first} {p.middle}. {p.last}" if p.middle else f"{first} {p.last}"
        elif style == "suffix":
            w = f"{first} {p.last} {p.suffix}" if p.suffix else f"{first} {p.last}"
        elif style == "full_middle_suffix":
            w = f"{first}"
            if p.middle:
                w += f" {p.middle}."
            w += f" {p.last}"
            if p.suffix:
                w += f" {p.suffix}"
        elif style == "lastfirst":
            w = f"{p.last}, {first}"
        elif style == "upper":
            w = f"{first} {p.last}".upper()
        elif style == "upper_lastfirst":
            w = f"{p.last}, {first}".upper()
        elif style == "lower":
            w = f"{first} {p.last}".lower()
        elif style == "upper_middle":
            w = (f"{first} {p.middle}. {p.last}" if p.middle else f"{first} {p.last}").upper()
        else:
            raise ValueError(style)
        canonical = f"{first} {p.last}".lower()
        self.plant("name", p, canonical, w, verify=False)
        # also record the plain "First Last" so leak checks see it
        self.c.contact.add(f"{first} {p.last}")
        return w

    def name_cols(self, p, upper=False, nick=False, initial=False, lower=False):
        """First/last name in two columns or keys: one finding. Returns (first, last).
        `initial` writes the first name as its initial (canonical "r okafor")."""
        first = p.nick if (nick and p.nick) else p.first
        if initial:
            first = first[0]
        f, l = (first.upper(), p.last.upper()) if upper else (first, p.last)
        if lower:
            f, l = f.lower(), l.lower()
        self.plant("name", p, f"{first} {p.last}".lower(), f"{f} {l}", verify=False)
        self.c.contact.add(f"{first} {p.last}")
        return f, l

    def ssn(self, p, fmt="dash"):
        s = p.ssn
        w = {"dash": f"{s[:3]}-{s[3:5]}-{s[5:]}", "space": f"{s[:3]} {s[3:5]} {s[5:]}",
             "plain": s}[fmt]
        return self.plant("ssn", p, s, w)

    def dob(self, p, fmt="iso"):
        d = p.dob
        if fmt == "iso":
            w = d.isoformat()
        elif fmt == "us":
            w = f"{d.month:02d}/{d.day:02d}/{d.year}"
        elif fmt == "long":
            w = f"{MONTHS[d.month - 1]} {d.day}, {d.year}"
        else:
            raise ValueError(fmt)
        return self.plant("dob", p, d.isoformat(), w, verify=False)

    def email(self, p, mixed=False):
        w = p.email
        if mixed:
            local, dom = w.split("@")
            w = ".".join(x[:1].upper() + x[1:] for x in local.split(".")) + "@" + \
                dom[:1].upper() + dom[1:]
        return self.plant("email", p, p.email.lower(), w)

    def phone(self, p, fmt="dash"):
        d = p.phone
        a, e, l = d[:3], d[3:6], d[6:]
        w = {"paren": f"({a}) {e}-{l}", "dash": f"{a}-{e}-{l}", "dot": f"{a}.{e}.{l}",
             "intl": f"+1 {a} {e} {l}", "e164": f"+1{d}", "plain": d}[fmt]
        return self.plant("phone", p, d, w)

    def card(self, p, fmt="space"):
        d = p.card
        if fmt == "plain":
            w = d
        elif len(d) == 15:
            sep = " " if fmt == "space" else "-"
            w = sep.join([d[:4], d[4:10], d[10:]])
        else:
            sep = " " if fmt == "space" else "-"
            w = sep.join(d[i:i + 4] for i in range(0, 16, 4))
        return self.plant("credit_card", p, d, w)

    def account(self, p):
        return self.plant("bank_account", p, p.account, p.account)

    def dl(self, p):
        return self.plant("drivers_license", p, alnum_upper(p.dl), p.dl_written)

    def passport(self, p):
        return self.plant("passport", p, p.passport, p.passport)

    def mbi(self, p, dashed=True):
        m = p.mbi
        w = f"{m[:4]}-{m[4:7]}-{m[7:]}" if dashed else m
        return self.plant("mbi", p, m, w)

    def health(self, p):
        return self.plant("health_id", p, p.health, p.health)

    def student(self, p):
        return self.plant("student_id", p, p.student, p.student)

    def dx(self, p, code):
        return self.plant("diagnosis", p, code, code, verify=False)

    def address(self, p):
        """Plants one address occurrence; returns (street, city, state, zip as written)."""
        canonical = " ".join(p.street.split()).lower() + ", " + p.zip5
        self.plant("address", p, canonical, p.street, verify=False)
        z = p.zip5 + ("-" + p.zip4 if p.zip4 else "")
        return p.street, p.city, p.state, z

    # ---- output ----
    def encode(self):
        if self.data is not None:
            return self.data
        t = self.text()
        if self.encoding == "utf-16-le-bom":
            return b"\xff\xfe" + t.encode("utf-16-le")
        if self.encoding == "utf-16-be":
            return t.encode("utf-16-be")
        return t.encode(self.encoding)

    def verify(self, people):
        """Self-audit: the file holds exactly what the truth says, and nothing else that
        the contract would call a finding of the audited kinds."""
        text = self.text() + "\n" + "\n".join(self.extra)
        want = collections.Counter(w for t, w in self.plants if t in VERIFY_TYPES)
        for w, n in want.items():
            got = count_bounded(text, w)
            if got != n:
                raise AssertionError(f"{self.path}: {w!r} planted {n}x but occurs {got}x")
        known = {can for (t, can) in self.planted} | self.trapped
        for m in RE_SSN_SEP.finditer(text):
            d = m.group(1) + m.group(3) + m.group(4)
            if ssn_valid(d) and ("ssn", d) not in self.planted and d not in self.trapped:
                raise AssertionError(f"{self.path}: unplanted SSN-like {m.group(0)!r}")
        for m in RE_NINE.finditer(text):
            d = m.group(0)
            if ssn_valid(d) and d not in known:
                raise AssertionError(f"{self.path}: unplanted 9-digit number {d!r}")
        for m in RE_PHONE.finditer(text):
            d = m.group(1) + m.group(2) + m.group(3)
            if nanp_ok(d) and ("phone", d) not in self.planted and d not in known:
                raise AssertionError(f"{self.path}: unplanted phone-like {m.group(0)!r}")
        for m in RE_CARD.finditer(text):
            d = digits(m.group(0))
            if card_valid(d) and ("credit_card", d) not in self.planted:
                raise AssertionError(f"{self.path}: unplanted card-like {m.group(0)!r}")
        low = text.lower()
        for p in people:
            if p.last.lower() not in low:
                continue
            for first in {p.first, p.nick or p.first}:
                can = f"{first} {p.last}".lower()
                n = count_bounded(low, can) + count_bounded(low, f"{p.last}, {first}".lower())
                if n > self.planted[("name", can)]:
                    raise AssertionError(f"{self.path}: name {can!r} occurs {n}x, planted "
                                         f"{self.planted[('name', can)]}x")


# --------------------------------------------------------------------------------------
# Noise and trap helpers
# --------------------------------------------------------------------------------------
class Noise:
    def __init__(self, rng):
        self.rng = rng

    def hexrun(self, n):
        """Random lowercase hex without any run of 5+ digits (so it never looks like an id)."""
        r = self.rng
        while True:
            s = "".join(r.choice("0123456789abcdef") for _ in range(n))
            run = best = 0
            for c in s:
                run = run + 1 if c.isdigit() else 0
                best = max(best, run)
            if best < 5:
                return s

    def uuid(self):
        while True:
            h = self.hexrun(32)
            parts = [h[:8], h[8:12], h[12:16], h[16:20], h[20:]]
            if all(any(c.isalpha() for c in x) for x in parts):
                return "-".join(parts)

    def sha256(self):
        return self.hexrun(64)

    def ip(self):
        r = self.rng
        return f"{r.choice([10, 172, 192])}.{r.randrange(256)}.{r.randrange(256)}.{r.randrange(1, 255)}"

    def ts(self, day=None):
        r = self.rng
        d = day or datetime.date(2023, r.randrange(1, 4), r.randrange(1, 28))
        return f"{d.isoformat()}T{r.randrange(24):02d}:{r.randrange(60):02d}:{r.randrange(60):02d}.{r.randrange(1000):03d}Z"

    def date(self, y0=2021, y1=2024):
        r = self.rng
        return datetime.date(r.randrange(y0, y1), r.randrange(1, 13), r.randrange(1, 29))

    def sentence(self, lo=6, hi=16):
        w = self.rng.choices(WORDS, k=self.rng.randrange(lo, hi))
        s = " ".join(w)
        return s[0].upper() + s[1:] + "."

    def order_id(self):
        return f"ORD-{self.rng.randrange(2021, 2024)}-{self.rng.randrange(1, 99999):05d}"

    def amount(self):
        return f"{self.rng.randrange(5, 5000)}.{self.rng.randrange(100):02d}"


def invalid_ssn(rng):
    """(written, note): SSN-shaped, never a valid SSN per the contract."""
    k = rng.randrange(8)
    if k == 0:
        return "000-%02d-%04d" % (rng.randrange(1, 100), rng.randrange(1, 10000)), "area 000"
    if k == 1:
        return "666-%02d-%04d" % (rng.randrange(1, 100), rng.randrange(1, 10000)), "area 666"
    if k == 2:
        return "%03d-00-%04d" % (rng.randrange(1, 900), rng.randrange(1, 10000)), "group 00"
    if k == 3:
        return "%03d-%02d-0000" % (rng.randrange(1, 666), rng.randrange(1, 100)), "serial 0000"
    if k == 4:
        mid = rng.choice([50, 55, 65, 70, 78, 88, 90, 92, 94, 99])
        return "9%02d-%02d-%04d" % (rng.randrange(100), mid, rng.randrange(1, 10000)), "ITIN"
    if k == 5:
        return "987-65-432%d" % rng.randrange(10), "advertising range"
    if k == 6:
        return rng.choice(["078-05-1120", "219-09-9999", "123-45-6789"]), "block-list"
    return "9%02d-%02d-%04d" % (rng.randrange(100), rng.randrange(1, 100), rng.randrange(1, 10000)), "area 9xx"


def valid_looking_nine(rng, reg):
    """A 9-digit number that would pass SSA rules (used as an invoice/routing-like trap)."""
    while True:
        s = "%03d%02d%04d" % (rng.randrange(1, 900), rng.randrange(1, 100), rng.randrange(1, 10000))
        if ssn_valid(s) and reg.claim(s):
            return s


def luhn_bad16(rng):
    while True:
        s = rng.choice("45") + "".join(rng.choice("0123456789") for _ in range(15))
        if not luhn_ok(s):
            return s


def fiction_phone(rng):
    a = rng.choice(["573", "314", "816", "612", "312"])
    return a, "555", "01%02d" % rng.randrange(100)


def n11_phone(rng):
    a = rng.choice(["573", "314", "816", "417"])
    return a, rng.choice(["211", "311", "411", "611", "911"]), "%04d" % rng.randrange(10000)


# --------------------------------------------------------------------------------------
# File builders
# --------------------------------------------------------------------------------------
def csv_text(rows, delimiter=",", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n"):
    buf = io.StringIO()
    wr = csv.writer(buf, delimiter=delimiter, quoting=quoting, lineterminator=lineterminator)
    for r in rows:
        wr.writerow(r)
    return buf.getvalue()


def build_hr(c, people, nz):
    """Four employee CSVs, each with a different header dialect."""
    rng = c.rng
    adults = [p for p in people if 1958 <= p.dob.year <= 2002]
    rng.shuffle(adults)
    per = max(1, len(adults) * 3 // 16)
    groups = [adults[i * per:(i + 1) * per] for i in range(4)]
    depts = ["Finance", "Operations", "Nursing", "IT", "Facilities", "Payroll", "Outreach"]

    # v1: first_name,last_name,SSN,DOB,...
    d = c.doc("hr/employees_2021.csv", "csv")
    rows = [["first_name", "last_name", "SSN", "DOB", "email", "phone", "street", "city",
             "state", "zip", "hire_date", "department"]]
    for i, p in enumerate(groups[0]):
        f, l = d.name_cols(p)
        if i % 25 == 7:
            w, note = invalid_ssn(rng)
            ssn = d.trap(w, "ssn", digits(w), "placeholder/invalid SSN in SSN column")
        else:
            ssn = d.ssn(p, "dash")
        st, city, state, z = d.address(p)
        hd = nz.date(2009, 2023).isoformat()
        d.trap(hd, "dob", hd, "hire date")
        rows.append([f, l, ssn, d.dob(p, "iso"), d.email(p),
                     d.phone(p, rng.choice(["paren", "dash", "dot"])), st, city, state, z,
                     hd, rng.choice(depts)])
    d.w(csv_text(rows))

    # v2: employee_id,Name,Social Security #,Date of Birth,... with DL columns
    d = c.doc("hr/staff_directory_2022.csv", "csv")
    rows = [["employee_id", "Name", "Social Security #", "Date of Birth", "Email Address",
             "Phone Number", "Address", "City", "State", "ZIP", "DL Number", "DL State",
             "Hire Date"]]
    for i, p in enumerate(groups[1]):
        nm = d.name(p, "full")
        ssn = d.ssn(p, rng.choice(["dash", "space"]))
        st, city, state, z = d.address(p)
        dl = d.dl(p) if p.dl else ""
        hd = nz.date(2009, 2023)
        hdw = f"{hd.month:02d}/{hd.day:02d}/{hd.year}"
        d.trap(hdw, "dob", hd.isoformat(), "hire date")
        rows.append(["E%05d" % rng.randrange(10000, 99999), nm, ssn, d.dob(p, "us"),
                     d.email(p), d.phone(p, rng.choice(["paren", "dash", "intl"])), st, city,
                     state, z, dl, p.state if p.dl else "", hdw])
    d.w(csv_text(rows))

    # v3: EmpNo,LastName,FirstName,SocSecNo (undashed),birthdate,...
    d = c.doc("hr/payroll_export.csv", "csv")
    rows = [["EmpNo", "LastName", "FirstName", "SocSecNo", "birthdate", "HomePhone",
             "PersonalEmail", "Street", "City", "St", "Zip", "Salary", "StartDate"]]
    for i, p in enumerate(groups[2]):
        f, l = d.name_cols(p)
        if i % 30 == 11:
            ssn = ""  # missing
        else:
            ssn = d.ssn(p, "plain")
        st, city, state, z = d.address(p)
        sd = nz.date(2010, 2023).isoformat()
        d.trap(sd, "dob", sd, "start date")
        rows.append([str(rng.randrange(1000, 9999)), l, f, ssn, d.dob(p, "iso"),
                     d.phone(p, "plain"), d.email(p), st, city, state, z,
                     str(rng.randrange(32000, 140000)), sd])
    d.w(csv_text(rows, lineterminator="\n"))

    # v4: "Employee Name" as "Last, First", long-form DOB
    d = c.doc("hr/benefits_census.csv", "csv")
    rows = [["Employee Name", "SSN", "DOB", "Phone", "E-mail", "Home Address", "City",
             "State", "Postal Code", "Title"]]
    titles = ["Analyst", "Clerk", "RN", "Technician", "Coordinator", "Specialist"]
    for i, p in enumerate(groups[3]):
        nm = d.name(p, "lastfirst")
        ssn = d.ssn(p, rng.choice(["dash", "space", "plain"]))
        st, city, state, z = d.address(p)
        rows.append([nm, ssn, d.dob(p, "long"), d.phone(p, rng.choice(["paren", "dot", "dash"])),
                     d.email(p), st, city, state, z, rng.choice(titles)])
    d.w(csv_text(rows))


def build_benefits_tsv(c, people, nz):
    rng = c.rng
    members = [p for p in people if p.health_kind == "member" or p.mbi]
    rng.shuffle(members)
    members = members[: max(1, len(people) // 5)]
    d = c.doc("hr/benefits_enrollment.tsv", "tsv")
    rows = [["Member ID", "Name", "Date of Birth", "MBI", "Plan", "Phone", "Effective Date"]]
    for p in members:
        hid = d.health(p) if p.health_kind == "member" else ""
        ed = nz.date(2019, 2024).isoformat()
        d.trap(ed, "dob", ed, "effective date")
        rows.append([hid, d.name(p, "full"), d.dob(p, "iso"), d.mbi(p, False) if p.mbi else "",
                     rng.choice(["PPO Gold", "HMO Silver", "Medicare Advantage", "HDHP"]),
                     d.phone(p, rng.choice(["dash", "paren"])), ed])
    d.w(csv_text(rows, delimiter="\t", lineterminator="\n"))


def build_crm(c, people, nz):
    """Quoted CSV: commas inside fields, embedded newlines, Last, First names."""
    rng = c.rng
    sel = rng.sample(people, max(1, len(people) // 4))
    d = c.doc("crm/contacts_export.csv", "csv_quoted")
    rows = [["Name", "Address", "Email", "Phone", "Notes", "Last Contact"]]
    for p in sel:
        nm = d.name(p, rng.choice(["lastfirst", "full"]))
        st, city, state, z = d.address(p)
        addr = f"{st}, {city}, {state} {z}"
        notes = []
        k = rng.randrange(5)
        if k == 0:
            inv = valid_looking_nine(rng, c.reg)
            d.trap(inv, "ssn", inv, "invoice number")
            pd = nz.date().isoformat()
            d.trap(pd, "dob", pd, "payment date")
            notes.append(f"Invoice {inv} paid on {pd}, thanks.")
        elif k == 1:
            notes.append("Called twice, no answer.\nWill retry next week, per supervisor.")
        elif k == 2:
            bal = nz.amount()
            notes.append(f"Account balance: {bal} USD, autopay on.\nNo changes requested.")
        elif k == 3:
            a, e, l = fiction_phone(rng)
            fp = f"({a}) {e}-{l}"
            d.trap(fp, "phone", a + e + l, "555-01xx fiction number, front desk")
            notes.append(f"Transferred from the front desk, {fp}.\nResolved.")
        else:
            notes.append(nz.sentence() + "\n" + nz.sentence())
        lc = nz.date().isoformat()
        d.trap(lc, "dob", lc, "last contact date")
        rows.append([nm, addr, d.email(p, mixed=rng.random() < 0.2),
                     d.phone(p, rng.choice(["paren", "dash", "dot", "intl"])),
                     "\n".join(notes), lc])
    d.w(csv_text(rows, quoting=csv.QUOTE_ALL))


def build_json(c, people, nz):
    rng = c.rng
    sel = rng.sample(people, max(1, len(people) // 4))
    d = c.doc("api/customers.json", "json")
    arr = []
    for p in sel:
        o = {"id": nz.uuid()}
        if rng.random() < 0.5:
            o["name"] = d.name(p, rng.choice(["full", "nick"]))
        else:
            f, l = d.name_cols(p)
            o["first_name"], o["last_name"] = f, l
        o["email"] = d.email(p)
        o["phone"] = d.phone(p, rng.choice(["dash", "paren", "plain", "intl"]))
        o["date_of_birth"] = d.dob(p, rng.choice(["iso", "us"]))
        st, city, state, z = d.address(p)
        o["address"] = {"street": st, "city": city, "state": state, "zip": z}
        if p.dl and rng.random() < 0.6:
            o["drivers_license"] = {"number": d.dl(p), "state": p.state}
        if p.card:
            o["payment"] = {"card_number": d.card(p, rng.choice(["space", "dash", "plain"])),
                            "exp": "%02d/%02d" % (rng.randrange(1, 13), rng.randrange(24, 31))}
        o["orders"] = [nz.order_id() for _ in range(rng.randrange(0, 3))]
        o["created_at"] = nz.ts()
        d.trap(o["created_at"][:10], "dob", o["created_at"][:10], "created_at")
        arr.append(o)
    d.w(json.dumps(arr, indent=2, ensure_ascii=False) + "\n")

    # travel bookings: passports
    sel = [p for p in people if p.passport]
    d = c.doc("travel/bookings.json", "json")
    arr = []
    for p in sel:
        dep = nz.ts()
        d.trap(dep[:10], "dob", dep[:10], "departure date")
        arr.append({"booking_ref": "".join(rng.choice(LETTERS_NO_IO) for _ in range(6)),
                    "passenger_name": d.name(p, "full"),
                    "passport_number": d.passport(p),
                    "date_of_birth": d.dob(p, "iso"),
                    "flight": f"{rng.choice(['UA', 'DL', 'AA', 'WN'])} {rng.randrange(100, 3000)}",
                    "departure": dep})
    d.w(json.dumps({"bookings": arr}, indent=1, ensure_ascii=False) + "\n")


def build_jsonl(c, people, nz):
    rng = c.rng
    sel = rng.sample(people, max(1, len(people) * 3 // 8))
    d = c.doc("api/events.jsonl", "jsonl")
    events = []
    for p in sel:
        for _ in range(rng.randrange(1, 3)):
            k = rng.randrange(4)
            ev = {"ts": nz.ts(), "request_id": nz.uuid(), "ip": nz.ip()}
            if k == 0:
                ev["event"] = "signup"
                ev["user"] = {"full_name": d.name(p, "full"), "email": d.email(p),
                              "phone": d.phone(p, "e164")}
            elif k == 1:
                ev["event"] = "password_reset"
                ev["email"] = d.email(p)
            elif k == 2:
                ev["event"] = "profile_update"
                ev["user_id"] = rng.randrange(10000, 99999)
                ev["login"] = d.email(p)  # a phone alone would name nobody
                ev["changes"] = {"phone": d.phone(p, rng.choice(["dash", "plain"]))}
            else:
                ev["event"] = "checkout"
                ev["email"] = d.email(p)
                ev["amount"] = nz.amount()
                if p.card:
                    ev["card_last4"] = p.card[-4:]
            events.append(ev)
    for _ in range(len(events) * 5):
        events.append({"ts": nz.ts(), "request_id": nz.uuid(), "ip": nz.ip(),
                       "event": rng.choice(["page_view", "search", "cache_miss", "heartbeat"]),
                       "path": rng.choice(["/", "/products", "/cart", "/help", "/api/v1/items"]),
                       "duration_ms": rng.randrange(1, 900), "etag": nz.sha256()[:32]})
    rng.shuffle(events)
    events.sort(key=lambda e: e["ts"])
    for ev in events:
        d.w(json.dumps(ev) + "\n")  # ensure_ascii=True: non-ASCII names as \u escapes


def build_logs(c, people, nz):
    rng = c.rng
    sel = rng.sample(people, max(1, len(people) * 3 // 10))
    chunks = [sel[i::3] for i in range(3)]
    for n, group in enumerate(chunks):
        day = datetime.date(2023, 3, 1 + n)
        d = c.doc(f"logs/app-{day.isoformat()}.log", "log")
        lines = []
        for p in group:
            k = rng.randrange(4)
            if k == 0:
                payload = {"name": d.name(p, rng.choice(["full", "nick"])),
                           "ssn": d.ssn(p, "dash"), "dob": d.dob(p, "iso")}
                lines.append(("DEBUG", "hr-sync", "upsert employee payload=" +
                              json.dumps(payload, ensure_ascii=False)))
            elif k == 1:
                lines.append(("INFO", "auth", f"login ok user_id={rng.randrange(10000, 99999)} "
                              f"email={d.email(p)} ip={nz.ip()} session={nz.uuid()}"))
            elif k == 2:
                # The account's login (its e-mail) rides along, as it does in real logs:
                # a phone or a card alone on a line names nobody.
                lines.append(("INFO", "sms", f"verification code sent phone={d.phone(p, 'e164')} "
                              f"attempt={rng.randrange(1, 4)} user={d.email(p)}"))
            else:
                if p.card:
                    lines.append(("WARN", "billing", f"charge declined card_number={d.card(p, 'plain')} "
                                  f"amount={nz.amount()} order={nz.order_id()} user={d.email(p)}"))
                else:
                    lines.append(("INFO", "hr-sync", f"ssn={d.ssn(p, 'plain')} verified "
                                  f"email={d.email(p)}"))
        # noise and traps
        for _ in range(len(group) * 45):
            r = rng.randrange(10)
            if r < 5:
                lines.append(("INFO", "http", f"{nz.ip()} \"GET /api/v1/orders/{nz.order_id()} HTTP/1.1\" "
                              f"200 {rng.randrange(200, 9000)} {rng.randrange(1, 900)}ms req={nz.uuid()}"))
            elif r < 7:
                lines.append(("DEBUG", "cache", f"miss key=sha256:{nz.sha256()} ttl={rng.randrange(60, 3600)}"))
            elif r == 7:
                inv = valid_looking_nine(rng, c.reg)
                pd = nz.date().isoformat()
                d.trap(inv, "ssn", inv, "invoice number")
                d.trap(pd, "dob", pd, "payment date")
                lines.append(("INFO", "billing", f"Invoice {inv} paid on {pd}"))
            elif r == 8:
                lines.append(("INFO", "jobs", f"job finished job_id={nz.uuid()} elapsed={rng.randrange(1, 99999)}ms "
                              f"host=10.0.{rng.randrange(256)}.{rng.randrange(1, 255)}:8443"))
            else:
                bad = luhn_bad16(rng)
                d.trap(bad, "credit_card", bad, "Luhn-failing 16-digit reference")
                lines.append(("INFO", "billing", f"settlement batch ref={bad} status=posted"))
        stamped = sorted((nz.ts(day), lvl, svc, msg) for lvl, svc, msg in lines)
        for ts, lvl, svc, msg in stamped:
            d.w(f"{ts} {lvl:<5} [{svc}] {msg}\n")


def build_sql(c, people, nz):
    rng = c.rng
    pri = [p for p in people if p.mbi or p.health or p.dx]
    rest = [p for p in people if p not in pri]
    sel = pri[: len(people) // 5] + rng.sample(rest, min(len(rest), len(people) // 10))
    d = c.doc("db/clinic_dump.sql", "sql")
    d.w("-- PostgreSQL database dump\n-- Dumped from database version 14.9\n\n"
        "SET statement_timeout = 0;\nSET client_encoding = 'UTF8';\n\n"
        "CREATE TABLE public.patients (\n    id integer NOT NULL,\n    first_name text,\n"
        "    last_name text,\n    dob date,\n    ssn text,\n    mbi text,\n    medicaid_id text,\n"
        "    phone text,\n    email text,\n    street text,\n    city text,\n    state text,\n"
        "    zip text,\n    primary_dx_icd10 text,\n    created_at timestamp\n);\n\n")
    cols = ("id, first_name, last_name, dob, ssn, mbi, medicaid_id, phone, email, street, "
            "city, state, zip, primary_dx_icd10, created_at")

    def q(v):
        return "NULL" if v is None else "'" + str(v).replace("'", "''") + "'"

    pay = []
    for b in range(0, len(sel), 15):
        vals = []
        for i, p in enumerate(sel[b:b + 15]):
            pid = 1000 + b + i
            f, l = d.name_cols(p)
            st, city, state, z = d.address(p)
            ca = nz.ts().replace("T", " ")[:19]
            d.trap(ca[:10], "dob", ca[:10], "created_at")
            row = [str(pid), q(f), q(l), q(d.dob(p, "iso")), q(d.ssn(p, rng.choice(["dash", "plain"]))),
                   q(d.mbi(p, False)) if p.mbi else "NULL",
                   q(d.health(p)) if p.health_kind in ("medicaid", "dcn") else "NULL",
                   q(d.phone(p, rng.choice(["dash", "plain", "paren"]))), q(d.email(p)),
                   q(st), q(city), q(state), q(z),
                   q(d.dx(p, p.dx[0][0])) if p.dx else "NULL", q(ca)]
            vals.append("(" + ", ".join(row) + ")")
            if p.account or p.card:
                pay.append((pid, p))
        d.w(f"INSERT INTO public.patients ({cols}) VALUES\n" + ",\n".join(vals) + ";\n\n")
    d.w("CREATE TABLE public.payment_accounts (\n    patient_id integer,\n    holder_name text,\n"
        "    routing_number text,\n    account_number text,\n    card_number text,\n"
        "    balance numeric(12,2)\n);\n\n")
    vals = []
    for pid, p in pay:
        if p.account:
            d.trap(p.routing, "ssn", p.routing, "ABA routing number")
        vals.append("(" + ", ".join([str(pid), q(d.name(p, "full")),
                                      q(p.routing) if p.account else "NULL",
                                      q(d.account(p)) if p.account else "NULL",
                                      q(d.card(p, "plain")) if p.card else "NULL",
                                      nz.amount()]) + ")")
    if vals:
        d.w("INSERT INTO public.payment_accounts (patient_id, holder_name, routing_number, "
            "account_number, card_number, balance) VALUES\n" + ",\n".join(vals) + ";\n")
    d.w("\n-- PostgreSQL database dump complete\n")


def health_label(p):
    return {"medicaid": "Medicaid ID", "dcn": "DCN", "member": "Member ID"}[p.health_kind]


def letter_body(d, p, nz, rng):
    """Labelled identifiers in prose; returns list of sentences."""
    s = []
    k = rng.randrange(3)
    if k == 0:
        s.append(f"The records involved included your Social Security number (SSN: {d.ssn(p, 'dash')}) "
                 f"and your date of birth ({d.dob(p, 'us')}).")
    elif k == 1:
        s.append(f"The file listed your SSN as {d.ssn(p, rng.choice(['dash', 'space']))} and your "
                 f"date of birth as {d.dob(p, 'long')}.")
    else:
        s.append(f"Social Security number: {d.ssn(p, rng.choice(['plain', 'dash']))}\n"
                 f"Date of birth: {d.dob(p, 'iso')}")
    if p.health:
        s.append(f"Your {health_label(p)} {d.health(p)} was also in the file.")
    if p.mbi:
        s.append(f"Medicare Beneficiary Identifier (MBI): {d.mbi(p, rng.random() < 0.6)}.")
    if p.dl and rng.random() < 0.7:
        lab = rng.choice(["Driver's License", "Driver License No.", "DL#"])
        s.append(f"{lab} {d.dl(p)} ({p.state}) appeared in a scanned form.")
    if p.passport and rng.random() < 0.7:
        lab = rng.choice(["Passport No.", "passport number", "Passport #"])
        s.append(f"A travel form with your {lab} {d.passport(p)} was also affected.")
    if p.card and rng.random() < 0.5:
        s.append(f"The payment card number {d.card(p, rng.choice(['space', 'dash', 'plain']))} "
                 f"on file should be replaced.")
    elif p.card:
        s.append(f"Your card ending in {p.card[-4:]} was not affected.")
    if p.account and rng.random() < 0.7:
        d.trap(p.routing, "ssn", p.routing, "ABA routing number")
        s.append(f"Direct deposit details were exposed: account number {d.account(p)}, "
                 f"routing number {p.routing}.")
    if p.student:
        s.append(f"Student ID {d.student(p)} was listed on the enrollment record.")
    if p.dx and rng.random() < 0.5:
        code, desc = p.dx[0]
        s.append(f"A claim with Diagnosis: {d.dx(p, code)} ({desc}) was attached.")
    s.append(f"We have your phone number on file as {d.phone(p, rng.choice(['paren', 'dash', 'dot', 'intl']))} "
             f"and your e-mail address as {d.email(p)}.")
    masked = "XXX-XX-%s" % p.ssn[-4:]
    s.append(f"For your security, future letters will show only {masked}.")
    return s


def build_letters(c, people, nz):
    rng = c.rng
    sel = rng.sample(people, max(1, len(people) * 3 // 10))
    for i, p in enumerate(sel):
        d = c.doc(f"letters/notice_{i + 1:04d}.txt", "prose")
        dt = nz.date(2023, 2024)
        d.trap(dt.isoformat(), "dob", dt.isoformat(), "letter date")
        a, e, l = fiction_phone(rng)
        d.trap(f"({a}) {e}-{l}", "phone", a + e + l, "555-01xx business number")
        d.w(f"Riverbend Health Plan - Member Services\n\n{MONTHS[dt.month - 1]} {dt.day}, {dt.year}\n\n")
        st, city, state, z = d.address(p)
        d.w(f"{d.name(p, rng.choice(['full', 'full_middle_suffix']))}\n{st}\n{city}, {state} {z}\n\n")
        d.w(f"Dear {d.name(p, 'full')},\n\n")
        d.w("We are writing to tell you about an incident that may have involved some of your "
            "information. " + nz.sentence() + "\n\n")
        d.w("\n".join(letter_body(d, p, nz, rng)) + "\n\n")
        if rng.random() < 0.4:
            inv = valid_looking_nine(rng, c.reg)
            pd = nz.date().isoformat()
            d.trap(inv, "ssn", inv, "invoice number")
            d.trap(pd, "dob", pd, "payment date")
            d.w(f"Invoice {inv} was paid on {pd} and is not affected.\n")
        d.w(f"Questions? Call ({a}) {e}-{l}, Monday to Friday.\n\nSincerely,\nMember Services\n")


def build_clinical(c, people, nz):
    rng = c.rng
    pts = [p for p in people if p.dx]
    rng.shuffle(pts)
    nfiles = 5
    for n in range(nfiles):
        d = c.doc(f"clinical/visit_notes_{n + 1}.txt", "prose")
        d.w("RIVERBEND FAMILY CLINIC - VISIT NOTES (EXPORT)\n\n")
        for p in pts[n::nfiles]:
            vd = nz.date(2022, 2024)
            d.trap(vd.isoformat(), "dob", vd.isoformat(), "visit date")
            d.w(f"=== Visit {vd.isoformat()} ===\n")
            d.w(f"Patient: {d.name(p, rng.choice(['full', 'middle']))}    "
                f"DOB: {d.dob(p, rng.choice(['us', 'iso']))}\n")
            ids = []
            if p.mbi:
                ids.append(f"MBI: {d.mbi(p, rng.random() < 0.5)}")
            if p.health:
                ids.append(f"{health_label(p)}: {d.health(p)}")
            ids.append(f"Phone: {d.phone(p, rng.choice(['dot', 'dash', 'paren']))}")
            d.w(" | ".join(ids) + "\n")
            if p.dl and rng.random() < 0.5:
                d.w(f"Identity verified with driver's license {d.dl(p)} ({p.state}).\n")
            d.w(f"Chief complaint: {nz.sentence(4, 9)}\n")
            d.w(f"Assessment: {p.dx[0][1]}.\n")
            style = rng.randrange(3)
            if style == 0 or len(p.dx) == 1:
                d.w(f"Diagnosis: {d.dx(p, p.dx[0][0])}\n")
                for code, desc in p.dx[1:]:
                    d.w(f"ICD-10: {d.dx(p, code)} ({desc})\n")
            elif style == 1:
                d.w("Diagnoses (ICD-10): " + ", ".join(d.dx(p, code) for code, _ in p.dx) + "\n")
            else:
                for j, (code, desc) in enumerate(p.dx):
                    d.w(f"Dx {j + 1}: {d.dx(p, code)} - {desc}\n")
            d.w(f"Plan: {nz.sentence(6, 12)} Provider NPI {rng.choice(['1245319599', '1003000126', '1234567893'])}.\n\n")


def build_school(c, people, nz):
    rng = c.rng
    studs = [p for p in people if p.student]
    d = c.doc("school/roster_2023.csv", "csv")
    rows = [["Student ID", "first_name", "last_name", "birthdate", "grade", "email", "homeroom"]]
    for p in studs:
        f, l = d.name_cols(p, nick=rng.random() < 0.3)
        room = f"{rng.choice('ABCDEFGH')}{rng.randrange(10, 40)}"
        d.trap(room, "diagnosis", room, "homeroom, ICD-like without medical context")
        rows.append([d.student(p), f, l, d.dob(p, "us"), str(rng.randrange(9, 13)), d.email(p),
                     f"Room {room}"])
    d.w(csv_text(rows))
    d = c.doc("school/counselor_notes.txt", "prose")
    d.w("Counseling office - case notes (confidential)\n\n")
    for p in rng.sample(studs, len(studs) // 2):
        nd = nz.date(2023, 2024).isoformat()
        d.trap(nd, "dob", nd, "note date")
        d.w(f"{nd}: Met with {d.name(p, 'full')} (Student ID {d.student(p)}, date of birth "
            f"{d.dob(p, 'long')}). {nz.sentence()}\n")
        if rng.random() < 0.4:
            d.w(f"Parent asked us to call the student's cell at {d.phone(p, 'dash')}.\n")
        d.w("\n")


def build_payments(c, people, nz):
    rng = c.rng
    # Each row carries the payee's e-mail (remittance advice, receipts), as payment
    # exports do: a name and an account alone would name nobody when another person in
    # the corpus has the same name (no tool could attribute such a row).
    d = c.doc("payments/ach_batch_0301.csv", "csv")
    rows = [["payee_name", "routing_number", "account_number", "amount", "effective_date", "remittance_email"]]
    for p in [p for p in people if p.account]:
        ed = nz.date().isoformat()
        d.trap(ed, "dob", ed, "effective date")
        d.trap(p.routing, "ssn", p.routing, "ABA routing number")
        rows.append([d.name(p, "full"), p.routing, d.account(p), nz.amount(), ed, d.email(p)])
    d.w(csv_text(rows))
    d = c.doc("payments/cards_on_file.csv", "csv")
    rows = [["cardholder", "card_number", "exp", "Account balance", "last_charge", "receipt_email"]]
    for p in [p for p in people if p.card and rng.random() < 0.6]:
        lc = nz.date().isoformat()
        d.trap(lc, "dob", lc, "last charge date")
        rows.append([d.name(p, rng.choice(["full", "upper"])),
                     d.card(p, rng.choice(["space", "dash", "plain"])),
                     "%02d/%02d" % (rng.randrange(1, 13), rng.randrange(24, 31)),
                     str(rng.randrange(0, 99999)), lc, d.email(p)])
    d.w(csv_text(rows))


def build_cp1252(c, people, nz):
    rng = c.rng
    acc = [p for p in people if p.accented]
    others = rng.sample([p for p in people if not p.accented], min(len(people) // 12, len(people)))
    sel = acc + others
    rng.shuffle(sel)
    d = c.doc("legacy/member_roster_cp1252.txt", "cp1252", encoding="cp1252")
    d.w("MEMBER ROSTER \u2014 exported from the \u201cLegacy\u201d enrollment system\r\n\r\n")
    for p in sel:
        d.w(f"Name: {d.name(p, rng.choice(['lastfirst', 'full']))}  |  "
            f"SSN: {d.ssn(p, rng.choice(['dash', 'space', 'plain']))}  |  "
            f"DOB: {d.dob(p, 'us')}  |  Tel: {d.phone(p, rng.choice(['paren', 'dash']))}\r\n")
    d.w("\r\n\u2014 end of roster \u2014\r\n")


def build_utf16(c, people, nz):
    rng = c.rng
    sel = rng.sample(people, max(1, len(people) // 10))
    d = c.doc("exports/members_utf16le.csv", "utf16le", encoding="utf-16-le-bom")
    rows = [["FIRST", "LAST", "SSN", "DOB", "PHONE", "EMAIL"]]
    for p in sel:
        f, l = d.name_cols(p, upper=True)
        rows.append([f, l, d.ssn(p, rng.choice(["dash", "plain"])), d.dob(p, "us"),
                     d.phone(p, "paren"), d.email(p)])
    d.w(csv_text(rows))
    sel = rng.sample(people, max(1, len(people) // 20))
    d = c.doc("exports/case_notes_utf16be.txt", "utf16be", encoding="utf-16-be")
    for p in sel:
        d.w(f"Case note for {d.name(p, 'full')}, date of birth {d.dob(p, 'iso')}. "
            f"SSN {d.ssn(p, 'space')}. Reach the client at {d.phone(p, 'intl')} or "
            f"{d.email(p)}. {nz.sentence()}\n")


def build_html(c, people, nz):
    rng = c.rng
    sel = rng.sample(people, max(1, len(people) // 16))
    for i, p in enumerate(sel):
        d = c.doc(f"web/EducatorSearch_{i + 1:03d}.html", "html")
        visible = d.name(p, "full")
        rec = {"name": d.name(p, "full"), "ssn": d.ssn(p, "plain"), "dob": d.dob(p, "iso"),
               "certificate": rng.choice(["Initial Professional", "Career Continuous",
                                          "Substitute"])}
        js = json.dumps(rec, ensure_ascii=False)
        d.extra.append(js)
        b64 = base64.b64encode(js.encode("utf-8")).decode("ascii")
        d.w("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
            "<title>Educator Certification Search</title></head>\n<body>\n<h2>Search results</h2>\n"
            "<table><tr><th>Educator</th><th>Certificate</th></tr>\n"
            f"<tr><td>{visible}</td><td>{rec['certificate']}</td></tr></table>\n"
            f"<script type=\"text/javascript\">var educatorData = \"{b64}\";</script>\n"
            f"<p>Page generated {nz.ts()} by node {nz.uuid()}</p>\n</body></html>\n")


def build_access_log(c, nz, n_lines):
    """Noise-only web server log (precision: numbers everywhere, no person data)."""
    rng = c.rng
    d = c.doc("logs/access.log", "log")
    agents = ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/120.0 Safari/537.36",
              "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 Version/17.2 Safari/605.1.15",
              "curl/8.4.0", "python-requests/2.31.0",
              "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"]
    mon = ["Jan", "Feb", "Mar"]
    stamps = sorted((rng.randrange(3), rng.randrange(1, 29), rng.randrange(24), rng.randrange(60),
                     rng.randrange(60)) for _ in range(n_lines))
    for m, dd, hh, mi, ss in stamps:
        k = rng.randrange(12)
        if k == 0:
            inv = valid_looking_nine(rng, c.reg)
            d.trap(inv, "ssn", inv, "invoice number in query string")
            path = f"/billing/invoice?invoice={inv}&format=pdf"
        elif k == 1:
            z = f"{rng.choice(['65201', '63110', '64105'])}-{rng.randrange(1, 10000):04d}"
            d.trap(z, "ssn", digits(z), "ZIP+4 in query string")
            path = f"/stores/near?zip={z}&radius={rng.randrange(5, 50)}"
        elif k == 2:
            path = f"/api/v1/orders/{nz.order_id()}?expand=items&ts={rng.randrange(1672531200, 1680000000)}"
        elif k == 3:
            path = f"/static/js/app.{nz.hexrun(8)}.js"
        else:
            path = rng.choice(["/", "/login", "/account/settings", "/checkout", "/health",
                               "/search?q=shoes", "/img/logo.png", "/api/v1/items?page=%d" % rng.randrange(1, 90)])
        d.w(f"{nz.ip()} - - [{dd:02d}/{mon[m]}/2023:{hh:02d}:{mi:02d}:{ss:02d} +0000] "
            f"\"{rng.choice(['GET', 'GET', 'POST'])} {path} HTTP/1.1\" {rng.choice([200, 200, 200, 304, 404, 500])} "
            f"{rng.randrange(100, 90000)} \"-\" \"{rng.choice(agents)}\" rt={rng.randrange(1, 2000) / 1000:.3f}\n")


def build_subscribers(c, people, nz):
    rng = c.rng
    sel = rng.sample(people, len(people) * 3 // 5)
    d = c.doc("marketing/newsletter_subscribers.csv", "csv")
    rows = [["email", "first_name", "last_name", "zip", "signup_date", "source"]]
    for p in sel:
        f, l = d.name_cols(p, nick=rng.random() < 0.2)
        sd = nz.date(2015, 2024).isoformat()
        d.trap(sd, "dob", sd, "signup date")
        rows.append([d.email(p), f, l, p.zip5, sd, rng.choice(["web", "event", "referral", "import"])])
    d.w(csv_text(rows, lineterminator="\n"))


def build_traps(c, nz):
    rng = c.rng
    d = c.doc("misc/data_quality_report.txt", "traps")
    d.w("DATA QUALITY REPORT - identifier validation\n\n")
    for i in range(40):
        w, note = invalid_ssn(rng)
        d.trap(w, "ssn", digits(w), note)
        d.w(f"Row {rng.randrange(2, 5000)}: SSN {w} rejected ({note}).\n")
    for i in range(10):
        bad = luhn_bad16(rng)
        grouped = " ".join(bad[j:j + 4] for j in range(0, 16, 4))
        d.trap(grouped, "credit_card", bad, "Luhn-failing card number")
        d.w(f"Row {rng.randrange(2, 5000)}: card {grouped} rejected (check digit).\n")
    d.w("\nReminder: sample numbers such as 987-65-4329 and 078-05-1120 are never real SSNs.\n")
    d.trap("987-65-4329", "ssn", "987654329", "advertising")
    d.trap("078-05-1120", "ssn", "078051120", "Woolworth")

    d = c.doc("misc/finance_memo.txt", "traps")
    d.w("FINANCE MEMO\n\n")
    for i in range(25):
        inv = valid_looking_nine(rng, c.reg)
        pd = nz.date()
        d.trap(inv, "ssn", inv, "invoice number")
        d.trap(pd.isoformat(), "dob", pd.isoformat(), "payment date")
        d.w(f"Invoice {inv} paid on {pd.isoformat()}; order {nz.order_id()}; "
            f"Account balance {rng.randrange(100, 99999999)}.{rng.randrange(100):02d}\n")
    for i in range(10):
        a, e, l = fiction_phone(rng)
        d.trap(f"{a}-{e}-{l}", "phone", a + e + l, "555-01xx")
        a2, e2, l2 = n11_phone(rng)
        d.trap(f"({a2}) {e2}-{l2}", "phone", a2 + e2 + l2, "N11 exchange")
        d.w(f"Vendor hotline {a}-{e}-{l}; automated line ({a2}) {e2}-{l2}.\n")
    for i in range(10):
        z = f"{rng.choice(['65201', '63110', '64105', '55455'])}-{rng.randrange(1, 10000):04d}"
        d.trap(z, "ssn", digits(z), "ZIP+4")
        per = nz.date()
        d.w(f"Remit to processing center ZIP {z} by {per.month:02d}-{per.day:02d}-{per.year}; "
            f"batch {per.year} {per.month:02d} {per.day:02d}; build {per.strftime('%Y%m%d')}.\n")
    d.w(f"\nChecksum of the export: sha256 {nz.sha256()}\nRun id {nz.uuid()}\n")

    d = c.doc("misc/facilities.txt", "traps")
    d.w("FACILITIES UPDATE\n\n")
    for tag, code in [("Room E11", "E11"), ("printer model A12", "A12"), ("gate C22", "C22"),
                      ("Suite F32", "F32"), ("rack J45 in row 3", "J45"), ("elevator I10", "I10"),
                      ("conference room K21", "K21"), ("locker N39", "N39"), ("bay M54", "M54"),
                      ("dock G43", "G43")]:
        d.trap(code, "diagnosis", code, "ICD-like string without medical context")
        d.w(f"- {tag}: {nz.sentence(5, 10)}\n")
    d.w(f"\nNetwork: core switch at 10.20.{rng.randrange(256)}.1, backup at "
        f"192.168.{rng.randrange(256)}.{rng.randrange(1, 255)}; maintenance window "
        f"{nz.ts()} to {nz.ts()}.\n")

    d = c.doc("src/billing_client.py", "code")
    d.w('"""Billing API client (internal)."""\n\nimport hashlib\n\n'
        f'API_VERSION = "2023-03-01"\nTIMEOUT_MS = {rng.randrange(1000, 30000)}\nPORT = 8443\n'
        f'RETRY_BACKOFF = [1, 2, 4, 8]\nBUILD_ID = "{nz.uuid()}"\n'
        f'PINNED_CERT_SHA256 = "{nz.sha256()}"\nINVOICE_START = 100000000  # first invoice number\n\n\n'
        'def invoice_key(invoice_number, paid_on):\n'
        '    # e.g. invoice_key(123456780, "2023-03-01")\n'
        '    return hashlib.sha256(f"{invoice_number}:{paid_on}".encode()).hexdigest()\n')
    d.trap("123456780", "ssn", "123456780", "invoice in code comment")


# --------------------------------------------------------------------------------------
# Containers: documents built by the same builders (fresh people, fresh sub-seed), then
# wrapped. Every truth and trap row of a wrapped document takes the member path of the
# contract ("a.zip!dir/b.csv", "m.mbox!2!b.txt", "x.eml!b.csv"; a lone .gz, a decoded run
# and a whole-file format such as docx, pdf, sqlite keep the file's path) and the kind
# "<container>:<document kind>", e.g. "zip:csv".
# --------------------------------------------------------------------------------------
CONTAINER_KINDS = ("zip", "zip>docx", "tar.gz", "tar.bz2", "gz", "tar.gz>zip", "eml", "eml-body",
                   "mbox", "mbox-body", "html-base64", "html-gzip-base64", "url", "hex", "docx",
                   "xlsx", "sqlite", "pdf")
MAIL_DATE = "Wed, 01 Mar 2023 09:30:00 -0600"


def container_of(kind):
    """'zip:csv' -> 'zip'; a plain kind -> None."""
    return kind.split(":", 1)[0] if ":" in kind else None


class Wrapper:
    def __init__(self, c, docs, people, tmpdir):
        self.c = c
        self.docs = docs  # original path -> Doc, consumed as they are wrapped
        self.people = people
        self.tmpdir = tmpdir
        self.wrapped = []
        self.audits = []  # (path, text) of text the containers add around the documents

    def take(self, path):
        return self.docs.pop(path)

    def take_prefix(self, prefix, n=None):
        keys = sorted(k for k in self.docs if k.startswith(prefix))
        if n is not None:
            keys = keys[:n]
        return [self.docs.pop(k) for k in keys]

    def member(self, d, path, ck):
        kind = f"{ck}:{d.kind}"
        assert path not in self.c.members, path
        d.move(path, kind)
        self.c.members[path] = kind
        self.wrapped.append(d)
        return d

    def file(self, path, ck, data):
        self.c.files.append((path, ck, data))
        if ck in ("zip", "tar.gz", "tar.bz2", "tar.gz>zip"):  # (zip>docx members sit in "zip")
            # self-check: the member paths in the truth are what the archive lists
            want = {m for m in self.c.members if m.startswith(path + "!")}
            got = set(archive_paths(path, data)) - {f"{path}!README.txt"}
            assert got == want, (path, sorted(got ^ want))


    def audit(self, path, text):
        self.audits.append((path, text))

    def tmp(self, name):
        os.makedirs(self.tmpdir, exist_ok=True)
        return os.path.join(self.tmpdir, name)


def archive_paths(prefix, data):
    """Contract paths of the files inside a zip or tar (compressed or not), recursing
    into archives inside."""
    out = []
    if data[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            entries = [(n, z.read(n)) for n in z.namelist()]
    else:
        with tarfile.open(fileobj=io.BytesIO(data)) as t:
            entries = [(m.name, t.extractfile(m).read()) for m in t.getmembers() if m.isfile()]
    for name, inner in entries:
        if name.endswith((".zip", ".tar.gz", ".tar.bz2")):
            out += archive_paths(f"{prefix}!{name}", inner)
        else:
            out.append(f"{prefix}!{name}")
    return out


def noise_mail_body(nz, n=3):
    return "Hello,\n\n" + " ".join(nz.sentence() for _ in range(n)) + "\n\nRegards,\nThe office\n"


def build_wrapped(c, seed, n_people, emails, tmpdir):
    """Builds a second set of documents for fresh people and wraps every one of them in
    a container or encoding. Returns (wrapped people, Wrapper)."""
    wrng = random.Random(f"breachscope-corpus-containers-{seed}")
    wpeople = make_people(wrng, max(100, n_people // 4), c.reg, prefix="w", emails=emails)
    saved = c.rng
    c.rng = wrng
    nz = Noise(wrng)
    c.capture = []
    build_hr(c, wpeople, nz)
    build_benefits_tsv(c, wpeople, nz)
    build_crm(c, wpeople, nz)
    build_json(c, wpeople, nz)
    build_jsonl(c, wpeople, nz)
    build_logs(c, wpeople, nz)
    build_sql(c, wpeople, nz)
    build_letters(c, wpeople, nz)
    build_clinical(c, wpeople, nz)
    build_school(c, wpeople, nz)
    build_payments(c, wpeople, nz)
    build_cp1252(c, wpeople, nz)
    build_utf16(c, wpeople, nz)
    build_subscribers(c, wpeople, nz)
    build_traps(c, nz)
    docs = {d.path: d for d in c.capture}
    assert len(docs) == len(c.capture), "builder paths must be unique"
    c.capture = None
    w = Wrapper(c, docs, wpeople, tmpdir)
    rng = wrng
    C = containers

    def data(d):
        return d.encode()

    letters = w.take_prefix("letters/")

    def letter():
        return letters.pop(0) if letters else None

    def lines(d):
        return d.text().split("\n")

    # whole-file formats: docx, pdf (letters), xlsx and sqlite (CSV documents)
    for i in range(3):
        d = letter()
        if d:
            p = f"letters/docx/{os.path.basename(d.path)[:-4]}.docx"
            w.member(d, p, "docx")
            w.file(p, "docx", C.docx_bytes(lines(d)))
    d = w.take("school/counselor_notes.txt")
    w.member(d, "school/counselor_notes.docx", "docx")
    w.file("school/counselor_notes.docx", "docx", C.docx_bytes(lines(d)))
    for i in range(3):
        d = letter()
        if d:
            p = f"letters/pdf/{os.path.basename(d.path)[:-4]}.pdf"
            w.member(d, p, "pdf")
            w.file(p, "pdf", C.pdf_bytes(lines(d)))
    d = w.take("hr/benefits_census.csv")
    rows = list(csv.reader(io.StringIO(d.text(), newline="")))
    w.member(d, "hr/benefits_census.xlsx", "xlsx")
    w.file("hr/benefits_census.xlsx", "xlsx", C.xlsx_bytes(rows, "Census"))
    d = w.take("school/roster_2023.csv")
    rows = list(csv.reader(io.StringIO(d.text(), newline="")))
    w.member(d, "school/roster_2023.db", "sqlite")
    w.file("school/roster_2023.db", "sqlite", C.sqlite_bytes("roster", rows, w.tmp("roster.db")))

    # web pages: a letter base64-encoded in a script variable, or gzip+base64
    for i in range(3):
        for ck, gz in (("html-base64", False), ("html-gzip-base64", True)):
            d = letter()
            if not d:
                continue
            raw = d.encode()
            payload = base64.b64encode(C.gzip_bytes(raw) if gz else raw).decode("ascii")
            name = "notice_archive" if gz else "notice_view"
            p = f"web/portal/{name}_{i + 1:03d}.html"
            head = ("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
                    "<title>Member notice viewer</title></head>\n<body>\n<h2>Notice</h2>\n"
                    f"<p>{nz.sentence()}</p>\n")
            tail = f"<p>Rendered {nz.ts()} by node {nz.uuid()}</p>\n</body></html>\n"
            var = "noticeBlob" if gz else "noticeText"
            page = head + f"<script type=\"text/javascript\">var {var} = \"{payload}\";</script>\n" + tail
            w.audit(p, head + tail)
            w.member(d, p, ck)
            w.file(p, ck, page.encode("utf-8"))

    # a letter %-encoded in a URL query string, and hex-encoded dumps
    for i in range(3):
        d = letter()
        if d:
            p = f"logs/proxy_capture_{i + 1}.log"
            out = []
            for _ in range(6):
                out.append(f"{nz.ip()} - - [01/Mar/2023:09:{rng.randrange(60):02d}:{rng.randrange(60):02d} +0000] "
                           f"\"GET /portal/home?page={rng.randrange(1, 40)} HTTP/1.1\" 200 {rng.randrange(200, 9000)}\n")
            w.audit(p, "".join(out))
            enc = urllib.parse.quote(d.text(), safe="")
            out.insert(3, f"{nz.ip()} - - [01/Mar/2023:10:00:00 +0000] \"GET /portal/print?doc={enc} "
                          f"HTTP/1.1\" 200 {rng.randrange(200, 9000)}\n")
            w.member(d, p, "url")
            w.file(p, "url", "".join(out).encode("ascii"))
        d = letter()
        if d:
            p = f"exports/notice_blob_{i + 1}.txt"
            w.member(d, p, "hex")
            w.file(p, "hex", ("export payload follows\n" + d.encode().hex() + "\n").encode("ascii"))

    # an mbox: messages with letters or a JSON export attached, and messages without
    msgs, k = [], 0
    box = "mail/member_services.mbox"
    # "body" puts a letter in the message text itself (base64 transfer encoding); its
    # findings have the message's path, "box!N".
    plan = [[], ["letter"], ["travel/bookings.json"], ["body"], ["letter", "letter"], ["letter"]]
    for atts in plan:
        k += 1
        body, cte = noise_mail_body(nz), None
        if "body" in atts and letters:
            d = letter()
            w.member(d, f"{box}!{k}", "mbox-body")
            body, cte = d.text(), "base64"
        else:
            w.audit(f"{box}!{k}", body)
        atts = [a for a in atts if a != "body"]
        files = []
        for a in atts:
            d = letter() if a == "letter" else w.take(a)
            if not d:
                continue
            name = os.path.basename(d.path)
            w.member(d, f"{box}!{k}!{name}", "mbox")
            sub = "json" if name.endswith(".json") else "plain"
            files.append((name, data(d), "application" if sub == "json" else "text", sub))
        msgs.append(C.email_message("hr@example.com", "privacy@example.com",
                                    f"Member services export {k}", MAIL_DATE, body, files,
                                    boundary=f"=_corpus_mbox_{k:04d}", body_cte=cte))
    w.file(box, "mbox", C.mbox_bytes(msgs, w.tmp("box.mbox")))

    # .eml with a base64 attachment
    for p, src, mt, st in (("mail/payroll_export.eml", "hr/payroll_export.csv", "text", "csv"),
                           ("mail/customer_export.eml", "api/customers.json", "application", "json")):
        d = w.take(src)
        name = os.path.basename(src)
        body = noise_mail_body(nz)
        w.audit(p, body)
        w.member(d, f"{p}!{name}", "eml")
        m = C.email_message("noreply@example.com", "security@example.com", "Scheduled export",
                            MAIL_DATE, body, [(name, data(d), mt, st)], boundary="=_corpus_eml_0001")
        w.file(p, "eml", C.eml_bytes(m))

    # .eml whose text is a letter (quoted-printable): findings have the .eml's path
    d = letter()
    if d:
        p = "mail/notice_resend.eml"
        w.member(d, p, "eml-body")
        m = C.email_message("noreply@example.com", "privacy@example.com", "Notice (resent)",
                            MAIL_DATE, d.text(), body_cte="quoted-printable")
        w.file(p, "eml-body", C.eml_bytes(m))

    # lone .gz files
    for src, p in (("marketing/newsletter_subscribers.csv", "marketing/newsletter_subscribers_2019.csv.gz"),
                   ("db/clinic_dump.sql", "db/clinic_dump_2022.sql.gz")):
        d = w.take(src)
        w.member(d, p, "gz")
        w.file(p, "gz", C.gzip_bytes(data(d)))

    # zip-in-tar.gz
    outer, inner = "backups/finance_q1.tar.gz", "payments/q1_payments.zip"
    zmembers = []
    for src in ("payments/ach_batch_0301.csv", "payments/cards_on_file.csv", "misc/finance_memo.txt"):
        d = w.take(src)
        name = os.path.basename(src)
        w.member(d, f"{outer}!{inner}!{name}", "tar.gz>zip")
        zmembers.append((name, data(d)))
    readme = "Quarterly backup of the payment batches.\n" + nz.sentence() + "\n"
    w.audit(f"{outer}!README.txt", readme)
    w.file(outer, "tar.gz>zip", C.tar_gz_bytes([("README.txt", readme.encode()),
                                                (inner, C.zip_bytes(zmembers))]))

    # tar.bz2: clinical notes and the facilities memo
    p = "clinical/visit_notes_2022.tar.bz2"
    tmembers = []
    for d in w.take_prefix("clinical/") + [w.take("misc/facilities.txt")]:
        name = "notes/" + os.path.basename(d.path)
        w.member(d, f"{p}!{name}", "tar.bz2")
        tmembers.append((name, data(d)))
    w.file(p, "tar.bz2", C.tar_bz2_bytes(tmembers))

    # tar.gz: logs, events, the cp1252 roster, source code
    p = "backups/app_logs_2023-03.tar.gz"
    tmembers = []
    for d in (w.take_prefix("logs/") + [w.take("api/events.jsonl"),
                                         w.take("legacy/member_roster_cp1252.txt"),
                                         w.take("src/billing_client.py")]):
        name = d.path
        w.member(d, f"{p}!{name}", "tar.gz")
        tmembers.append((name, data(d)))
    w.file(p, "tar.gz", C.tar_gz_bytes(tmembers))

    # zip (deflate): two letters as .docx members, then everything left
    p = "archive/hr_export_2023.zip"
    zmembers = []
    for i in range(2):
        d = letter()
        if d:
            name = d.path[:-4] + ".docx"
            w.member(d, f"{p}!{name}", "zip>docx")
            zmembers.append((name, C.docx_bytes(lines(d))))
    rest = [w.docs.pop(k) for k in sorted(w.docs)] + letters
    for d in rest:
        name = d.path
        w.member(d, f"{p}!{name}", "zip")
        zmembers.append((name, data(d)))
    w.file(p, "zip", C.zip_bytes(zmembers))
    assert not w.docs, sorted(w.docs)
    c.rng = saved
    return wpeople, w


# --------------------------------------------------------------------------------------
# People for entity resolution (issue 4): a third set of plain documents, for fresh
# people ("r0001"...) from their own random stream ("breachscope-corpus-people-<seed>"),
# built after the containers so the documents above are the same with or without them.
#   - spread:    people in 4-6 of the files below, with name variants (nickname,
#                "LAST, FIRST", first initial, middle initial, upper and lower case) and
#                SSNs dashed, spaced, and bare in a labelled column;
#   - namesakes: groups of 2-3 people with the same first and last name but their own
#                SSN, DOB, address and phone, each in 3+ files;
#   - households: 2-4 people sharing a postal address (and in half of them a phone),
#                with their own first names and DOBs, mostly one surname;
#   - health-only: people known only by name + Medicaid ID / Member ID (and diagnoses)
#                in claims and pharmacy files; half also in an eligibility roster with
#                DOB and address.
# --------------------------------------------------------------------------------------
def make_resolution_people(rng, n_people, reg, emails):
    scale = max(1, n_people // 100)  # 400 people -> 4
    n_spread = 10 * scale
    ns_sizes = [3 if g % 4 == 0 else 2 for g in range(2 * scale)]
    hh_sizes = [rng.choice([2, 2, 3, 3, 4]) for _ in range(max(2, 5 * scale // 2))]
    n_health = 6 * scale
    total = n_spread + sum(ns_sizes) + sum(hh_sizes) + n_health
    pool = make_people(rng, total, reg, prefix="r", emails=emails)
    it = iter(pool)
    spread = [next(it) for _ in range(n_spread)]
    namesakes = []
    for size in ns_sizes:
        grp = [next(it) for _ in range(size)]
        head = grp[0]
        for p in grp[1:]:
            p.sex, p.first, p.last, p.accented = head.sex, head.first, head.last, head.accented
            p.nick = head.nick
            while p.dob in {q.dob for q in grp if q is not p}:
                p.dob += datetime.timedelta(days=rng.randrange(1, 4000))
        namesakes.append(grp)
    households = []
    for size in hh_sizes:
        grp = [next(it) for _ in range(size)]
        head = grp[0]
        family = rng.random() < 0.8
        shared_phone = rng.random() < 0.5
        firsts = {head.first}
        for p in grp[1:]:
            for attr in ("city", "state", "zip5", "zip4", "street"):
                setattr(p, attr, getattr(head, attr))
            if family:
                p.last = head.last
            while p.first in firsts:
                p.first = rng.choice(FEMALE if p.sex == "F" else MALE)
                p.nick = None
            firsts.add(p.first)
            p.accented = any(ord(ch) > 127 for ch in p.first + p.last)
            if shared_phone:
                p.phone = head.phone
            while p.dob in {q.dob for q in grp if q is not p}:
                p.dob += datetime.timedelta(days=rng.randrange(1, 4000))
        households.append(grp)
    health = [next(it) for _ in range(n_health)]
    for p in health:
        if not p.health:
            p.health_kind = rng.choice(["medicaid", "medicaid", "member"])
            p.health = make_health(rng, reg, p.health_kind)
        elif p.health_kind == "dcn":
            p.health_kind = "medicaid"
        if not p.dx:
            p.dx = rng.sample(ICD10, rng.choice([1, 1, 2]))
    return spread, namesakes, households, health


def build_resolution(c, seed, n_people, emails):
    """Writes the resolution documents; returns their people."""
    rng = random.Random(f"breachscope-corpus-people-{seed}")
    saved = c.rng
    c.rng = rng
    nz = Noise(rng)
    spread, namesakes, households, health = make_resolution_people(rng, n_people, c.reg, emails)
    ns_people = [p for g in namesakes for p in g]
    hh_people = [p for g in households for p in g]
    adults = [p for p in hh_people if p.dob.year <= 2004]

    def pick(people, frac):
        return [p for p in people if rng.random() < frac]

    # which files each spread person is in: at least four of the six
    files = ("w2", "policy", "intake", "mailing", "elig", "dependents")
    spread_in = {}
    for p in spread:
        k = rng.randrange(4, 7)
        spread_in[p.id] = set(rng.sample(files, k))

    def spread_for(f):
        return [p for p in spread if f in spread_in[p.id]]

    # 1. W-2 recipients: "LAST, FIRST" upper case, SSN bare in a labelled column
    d = c.doc("hr/w2_recipients_2022.csv", "csv")
    rows = [["Employee Name", "Employee SSN", "Street", "City", "State", "ZIP", "Wages"]]
    sel = spread_for("w2") + ns_people + pick(adults, 0.5)
    rng.shuffle(sel)
    for p in sel:
        nm = d.name(p, rng.choice(["upper_lastfirst", "lastfirst"]))
        ssn = d.ssn(p, "plain")
        st, city, state, z = d.address(p)
        rows.append([nm, ssn, st, city, state, z, f"{rng.randrange(18000, 160000)}.00"])
    d.w(csv_text(rows))

    # 2. Insurance policyholders (JSON): nicknames, dashed SSN, DOB, e-mail
    d = c.doc("insurance/policyholders.json", "json")
    arr = []
    sel = spread_for("policy") + ns_people
    rng.shuffle(sel)
    for p in sel:
        o = {"policy": "POL-" + "".join(rng.choice(LETTERS_NO_IO) for _ in range(5)),
             "insured": {"name": d.name(p, rng.choice(["nick", "full", "full"])),
                         "ssn": d.ssn(p, "dash"),
                         "date_of_birth": d.dob(p, "iso"),
                         "email": d.email(p)}}
        ed = nz.date(2019, 2024).isoformat()
        d.trap(ed, "dob", ed, "policy effective date")
        o["effective"] = ed
        arr.append(o)
    d.w(json.dumps(arr, indent=2, ensure_ascii=False) + "\n")

    # 3. Intake forms (prose): middle initials, upper case, spaced SSNs
    d = c.doc("clinical/intake_forms_2023.txt", "prose")
    d.w("RIVERBEND FAMILY CLINIC - INTAKE FORMS (EXPORT)\n\n")
    sel = spread_for("intake") + [g[i] for g in namesakes for i in range(len(g)) if i % 2 == 0] + \
        pick(hh_people, 0.4)
    rng.shuffle(sel)
    for p in sel:
        vd = nz.date(2022, 2024)
        d.trap(vd.isoformat(), "dob", vd.isoformat(), "intake date")
        d.w(f"=== Intake {vd.isoformat()} ===\n")
        d.w(f"Patient: {d.name(p, rng.choice(['middle', 'upper_middle', 'upper', 'full']))}    "
            f"DOB: {d.dob(p, 'us')}\n")
        parts = []
        if p.dob.year <= 2004 or rng.random() < 0.5:
            parts.append(f"SSN: {d.ssn(p, rng.choice(['space', 'space', 'dash']))}")
        parts.append(f"Phone: {d.phone(p, rng.choice(['paren', 'dash', 'dot']))}")
        d.w("  |  ".join(parts) + "\n")
        d.w(f"Reason for visit: {nz.sentence(4, 9)}\n\n")

    # 4. Mailing list: first initials, lower case, nicknames; address and phone only
    d = c.doc("crm/mailing_list_2023.csv", "csv")
    rows = [["first_name", "last_name", "street", "city", "state", "zip", "phone"]]
    sel = spread_for("mailing") + ns_people + hh_people
    rng.shuffle(sel)
    household_of = {p.id: g for g in households for p in g}
    for p in sel:
        k = rng.randrange(5)
        # A first initial that another member of the household shares (Roy and Ryan
        # Mendoza, one address and phone) would name nobody: such a row is written in full.
        initial = k == 0 and not any(q is not p and q.last == p.last and q.first[0] == p.first[0]
                                     for q in household_of.get(p.id, ()))
        f, l = d.name_cols(p, initial=initial, lower=(k == 1), nick=(k == 2), upper=(k == 3))
        st, city, state, z = d.address(p)
        rows.append([f, l, st, city, state, z, d.phone(p, rng.choice(["dash", "paren", "plain"]))])
    d.w(csv_text(rows))

    # 5. Dependents: households, one row per member; children without SSN
    d = c.doc("hr/dependents_2023.csv", "csv")
    rows = [["employee_id", "relationship", "first_name", "last_name", "DOB", "SSN", "street",
             "city", "state", "zip", "phone"]]
    groups = [list(g) for g in households] + [[p] for p in spread_for("dependents")]
    for g in groups:
        emp = "E%05d" % rng.randrange(10000, 99999)
        for i, p in enumerate(g):
            rel = "self" if i == 0 else ("child" if p.dob.year > 2004 else
                                         rng.choice(["spouse", "domestic partner", "parent"]))
            f, l = d.name_cols(p)
            ssn = d.ssn(p, rng.choice(["dash", "space"])) if p.dob.year <= 2004 or \
                rng.random() < 0.5 else ""
            st, city, state, z = d.address(p)
            rows.append([emp, rel, f, l, d.dob(p, "iso"), ssn, st, city, state, z,
                         d.phone(p, "dash")])
    d.w(csv_text(rows))

    # 6. Medicaid eligibility roster: Medicaid ID or Member ID, name, DOB, address
    d = c.doc("members/eligibility_2023.csv", "csv")
    rows = [["Medicaid ID", "Member ID", "Last Name", "First Name", "DOB", "Street", "City",
             "State", "ZIP", "Phone"]]
    elig = health[::2] + spread_for("elig") + pick(hh_people, 0.5)
    for p in elig:
        if not p.health:
            p.health_kind = "medicaid"
            p.health = make_health(rng, c.reg, "medicaid")
    rng.shuffle(elig)
    for p in elig:
        f, l = d.name_cols(p, upper=rng.random() < 0.3)
        hid = d.health(p)
        st, city, state, z = d.address(p)
        rows.append([hid if p.health_kind != "member" else "",
                     hid if p.health_kind == "member" else "", l, f, d.dob(p, "us"),
                     st, city, state, z, d.phone(p, rng.choice(["dash", "paren"]))])
    d.w(csv_text(rows))

    # 7. Claims: name + health id + diagnosis only, one to three claims per person
    d = c.doc("claims/claims_2023.csv", "csv")
    rows = [["claim_id", "Medicaid ID", "Member ID", "Patient Name", "service_date",
             "primary_dx_icd10", "billed"]]
    claims = []
    for p in health:
        for _ in range(rng.randrange(1, 4)):
            claims.append(p)
    rng.shuffle(claims)
    for p in claims:
        sd = nz.date(2022, 2024).isoformat()
        d.trap(sd, "dob", sd, "service date")
        hid = d.health(p)
        rows.append(["CLM-" + "".join(rng.choice(LETTERS_NO_IO) for _ in range(6)),
                     hid if p.health_kind != "member" else "",
                     hid if p.health_kind == "member" else "",
                     d.name(p, rng.choice(["full", "full", "upper", "middle"])), sd,
                     d.dx(p, rng.choice(p.dx)[0]), nz.amount()])
    d.w(csv_text(rows))

    # 8. Pharmacy fills (JSON Lines): name + health id only
    d = c.doc("pharmacy/fills_2023.jsonl", "jsonl")
    for p in pick(health, 0.75):
        fd = nz.date(2022, 2024).isoformat()
        d.trap(fd, "dob", fd, "fill date")
        key = "member_id" if p.health_kind == "member" else "medicaid_id"
        d.w(json.dumps({"rx": "RX-" + nz.hexrun(6).upper(),
                        "patient": {"name": d.name(p, rng.choice(["full", "nick"])),
                                    key: d.health(p)},
                        "filled": fd}, ensure_ascii=False) + "\n")

    c.rng = saved
    return spread + ns_people + hh_people + health


def write_all(c, out, people, wrapper):
    inp = os.path.join(out, "input")
    for d in c.docs + wrapper.wrapped:
        d.verify(people)
    for path, text in wrapper.audits:
        a = Doc(c, path, "wrapper", "utf-8")  # not registered: text around the documents
        a.w(text)
        a.verify(people)
    files = [(d.path, d.encode()) for d in c.docs] + [(p, b) for p, _, b in c.files]
    seen = set()
    for path, data in files:
        assert path not in seen, path
        seen.add(path)
        full = os.path.join(inp, *path.split("/"))
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as f:
            f.write(data)


def generate(out, seed, n_people=400, key_file=None, quiet=False):
    key = DEFAULT_KEY
    if key_file:
        with open(key_file, "rb") as f:
            key = f.read()
    rng = random.Random(seed)
    reg = IdRegistry()
    emails = set()
    people = make_people(rng, n_people, reg, emails=emails)
    nz = Noise(rng)
    c = Corpus(out, key, rng, reg)

    build_hr(c, people, nz)
    build_benefits_tsv(c, people, nz)
    build_crm(c, people, nz)
    build_json(c, people, nz)
    build_jsonl(c, people, nz)
    build_logs(c, people, nz)
    build_sql(c, people, nz)
    build_letters(c, people, nz)
    build_clinical(c, people, nz)
    build_school(c, people, nz)
    build_payments(c, people, nz)
    build_cp1252(c, people, nz)
    build_utf16(c, people, nz)
    build_html(c, people, nz)
    build_subscribers(c, people, nz)
    build_access_log(c, nz, n_people * 20)
    build_traps(c, nz)
    # Containers come last, from their own random stream: the plain documents above are
    # the same with or without them.
    wpeople, wrapper = build_wrapped(c, seed, n_people, emails, os.path.join(out, ".tmp-containers"))
    # Then the entity-resolution documents, from a third random stream.
    rpeople = build_resolution(c, seed, n_people, emails)
    all_people = people + wpeople + rpeople

    # No trap may equal a value planted in the same file under the type it imitates
    # (otherwise a false report of the trap could be scored as a true positive).
    planted = {(t["path"], t["type"], t["canonical"]) for t in c.truth}
    for tr in c.traps:
        if (tr["path"], tr["could_be"], tr["canonical"]) in planted:
            raise AssertionError(f"trap collides with truth: {tr}")

    if os.path.isdir(os.path.join(out, "input")):
        shutil.rmtree(os.path.join(out, "input"))
    os.makedirs(out, exist_ok=True)
    write_all(c, out, all_people, wrapper)
    shutil.rmtree(os.path.join(out, ".tmp-containers"), ignore_errors=True)

    kp = os.path.join(out, "key")
    if os.path.exists(kp):
        os.chmod(kp, 0o600)
    with open(kp, "wb") as f:
        f.write(key)
    os.chmod(kp, 0o600)

    with open(os.path.join(out, "truth.jsonl"), "w", encoding="utf-8") as f:
        for t in c.truth:
            f.write(json.dumps(t, ensure_ascii=False) + "\n")
    with open(os.path.join(out, "traps.jsonl"), "w", encoding="utf-8") as f:
        for t in c.traps:
            f.write(json.dumps(t, ensure_ascii=False) + "\n")
    types_by_person = collections.defaultdict(set)
    for t in c.truth:
        types_by_person[t["person"]].add(t["type"])
    with open(os.path.join(out, "truth_people.jsonl"), "w", encoding="utf-8") as f:
        for p in all_people:
            if p.id not in types_by_person:
                continue
            f.write(json.dumps({"person": p.id, "name": f"{p.first} {p.last}".lower(),
                                "first_name": p.first, "last_name": p.last,
                                "dob": p.dob.isoformat(), "state": p.state,
                                "types": sorted(types_by_person[p.id])},
                               ensure_ascii=False) + "\n")
    with open(os.path.join(out, "protected_values.txt"), "w", encoding="utf-8") as f:
        for v in sorted(c.protected):
            f.write(v + "\n")
    with open(os.path.join(out, "contact_values.txt"), "w", encoding="utf-8") as f:
        for v in sorted(c.contact):
            f.write(v + "\n")

    by_kind = collections.defaultdict(collections.Counter)
    for t in c.truth:
        by_kind[t["kind"]][t["type"]] += 1
    files = dict(c.kinds)
    files.update({p: ck for p, ck, _ in c.files})
    files_by_kind = collections.Counter(files.values())
    docs_by_kind = collections.Counter(list(c.kinds.values()) + list(c.members.values()))
    total_bytes = sum(len(d.encode()) for d in c.docs) + sum(len(b) for _, _, b in c.files)
    manifest = {"seed": seed, "people": n_people, "wrapped_people": len(wpeople),
                "resolution_people": len(rpeople),
                "files": dict(sorted(files.items())),
                "members": dict(sorted(c.members.items())),
                "files_by_kind": dict(sorted(files_by_kind.items())),
                "docs_by_kind": dict(sorted(docs_by_kind.items())),
                "truth_by_kind": {k: dict(sorted(v.items())) for k, v in sorted(by_kind.items())},
                "truth_by_type": dict(sorted(collections.Counter(t["type"] for t in c.truth).items())),
                "truth_total": len(c.truth), "traps_total": len(c.traps), "bytes": total_bytes}
    with open(os.path.join(out, "manifest.json"), "w", encoding="utf-8") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)
        f.write("\n")
    if not quiet:
        print_summary(manifest)
    return manifest


def print_summary(m):
    types = list(ALL_TYPES)
    kinds = sorted(m["truth_by_kind"], key=lambda k: (":" in k, k))
    print(f"corpus: {len(m['files'])} files ({len(m['members'])} documents in containers), "
          f"{m['bytes']:,} bytes, {m['truth_total']} truth findings, {m['traps_total']} traps "
          f"(seed {m['seed']}, {m['people']} + {m['wrapped_people']} + "
          f"{m.get('resolution_people', 0)} people)")
    short = {"drivers_license": "dl", "credit_card": "card", "bank_account": "bank",
             "health_id": "health", "student_id": "student", "diagnosis": "dx",
             "passport": "pass", "address": "addr"}
    W = max(11, max(len(k) for k in kinds) + 1)
    hdr = f"{'kind':<{W}}{'docs':>5}" + "".join(f"{short.get(t, t):>7}" for t in types) + f"{'total':>7}"
    print(hdr)
    for k in kinds:
        row = m["truth_by_kind"][k]
        print(f"{k:<{W}}{m['docs_by_kind'].get(k, 0):>5}" +
              "".join(f"{row.get(t, 0):>7}" for t in types) + f"{sum(row.values()):>7}")
    for k in sorted(set(m["docs_by_kind"]) - set(kinds)):
        print(f"{k:<{W}}{m['docs_by_kind'][k]:>5}" + "".join(f"{0:>7}" for t in types) + f"{0:>7}")
    tb = m["truth_by_type"]
    print(f"{'all':<{W}}{sum(m['docs_by_kind'].values()):>5}" + "".join(f"{tb.get(t, 0):>7}" for t in types) +
          f"{m['truth_total']:>7}")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True, help="output directory (DIR/input is replaced)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--people", type=int, default=400)
    ap.add_argument("--key-file", help="HMAC key file (default: a fixed 32-byte key)")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args(argv)
    if a.people < 20:
        ap.error("--people must be at least 20")
    generate(a.out, a.seed, a.people, a.key_file, a.quiet)
    return 0


if __name__ == "__main__":
    sys.exit(main())
