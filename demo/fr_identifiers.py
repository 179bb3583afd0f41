# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""French identifiers of the demo book (SIREN, SIRET, VAT number, IBAN), all
with valid check digits: Luhn key, VAT key, RIB key and IBAN check digits."""


def luhn_check_digit(digits):
    """The digit to append to ``digits`` so that the result passes the Luhn test."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 0:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return str(-total % 10)


def luhn_valid(number):
    """True when the string of digits ``number`` passes the Luhn test."""
    return number.isdigit() and luhn_check_digit(number[:-1]) == number[-1]


def make_siren(rng):
    """A random 9-digit SIREN with a valid Luhn key."""
    body = str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _i in range(7))
    return body + luhn_check_digit(body)


def make_siret(siren, establishment=1):
    """The 14-digit SIRET of establishment number ``establishment`` of ``siren``."""
    body = f"{siren}{establishment:04d}"
    return body + luhn_check_digit(body)


def fr_vat(siren):
    """French VAT number of a SIREN: FR + key (12 + 3 * (SIREN % 97)) % 97 + SIREN."""
    return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"


def fr_iban(bank_code, branch_code, account_number):
    """French IBAN from the RIB parts (5-digit bank, 5-digit branch, 11-digit
    account), with the RIB key and the IBAN check digits computed."""
    rib_key = 97 - (
        (89 * int(bank_code) + 15 * int(branch_code) + 3 * int(account_number)) % 97
    )
    bban = f"{bank_code}{branch_code}{account_number}{rib_key:02d}"
    # Country code moved to the end, letters as numbers (F=15, R=27), "00".
    check = 98 - int(bban + "152700") % 97
    return f"FR{check:02d}{bban}"


def iban_valid(iban):
    """True when ``iban`` (spaces allowed) has valid check digits."""
    iban = iban.replace(" ", "").upper()
    moved = iban[4:] + iban[:4]
    return int("".join(str(int(char, 36)) for char in moved)) % 97 == 1
