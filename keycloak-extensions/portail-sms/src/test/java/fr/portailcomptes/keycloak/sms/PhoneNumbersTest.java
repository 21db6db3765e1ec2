package fr.portailcomptes.keycloak.sms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.portailcomptes.keycloak.sms.PhoneNumbers.Problem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PhoneNumbersTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = ';',
      value = {
        "+41 (79) 111 22 33; FR; +41791112233",
        "+41(79) 111 22 33; CH; +41791112233",
        "+41 79 111 22 33; FR; +41791112233",
        "0041 79 111 22 33; FR; +41791112233",
        "079 111 22 33; CH; +41791112233",
        "079/111.22.33; CH; +41791112233",
        "06 12 34 56 78; FR; +33612345678",
        "+33 6 12 34 56 78; CH; +33612345678",
        "0612345678; fr; +33612345678",
      })
  void readsTheUsualWritings(String typed, String country, String e164) {
    PhoneNumbers.Parsed parsed = PhoneNumbers.normalizeMobile(typed, country);
    assertEquals(e164, parsed.e164(), typed);
    assertTrue(parsed.ok());
  }

  @Test
  void aNationalNumberNeedsTheRightDefaultCountry() {
    // Written nationally, 079 111 22 33 is Swiss for a CH portal but a French 07 mobile for an FR
    // one: the realm's portail.defaultCountry decides.
    assertEquals("+33791112233", PhoneNumbers.normalizeMobile("079 111 22 33", "FR").e164());
    assertEquals("+41791112233", PhoneNumbers.normalizeMobile("079 111 22 33", "CH").e164());
  }

  @Test
  void namesWhatIsWrong() {
    assertEquals(Problem.EMPTY, PhoneNumbers.normalizeMobile("  ", "CH").problem());
    assertEquals(Problem.EMPTY, PhoneNumbers.normalizeMobile(null, "CH").problem());
    assertEquals(Problem.UNREADABLE, PhoneNumbers.normalizeMobile("abc", "CH").problem());
    assertEquals(Problem.INVALID, PhoneNumbers.normalizeMobile("+41 79 111", "CH").problem());
    // A fixed line (a compensation fund's switchboard) cannot receive an SMS.
    assertEquals(
        Problem.NOT_MOBILE, PhoneNumbers.normalizeMobile("+41 31 390 23 25", "CH").problem());
    assertEquals(
        Problem.NOT_MOBILE, PhoneNumbers.normalizeMobile("01 23 45 67 89", "FR").problem());
    assertEquals(Problem.UNREADABLE, PhoneNumbers.normalizeMobile("1".repeat(41), "CH").problem());
  }

  @Test
  void masksLikeTheProvisioner() {
    assertEquals("+41 79 *** ** 33", PhoneNumbers.mask("+41791112233"));
    assertEquals("+33 61 *** ** 78", PhoneNumbers.mask("+33612345678"));
    assertEquals("", PhoneNumbers.mask(null));
    assertEquals("*** ** 34", PhoneNumbers.mask("garbage 1234"));
  }

  @Test
  void strictE164() {
    assertTrue(PhoneNumbers.isE164("+41791112233"));
    assertFalse(PhoneNumbers.isE164("+41 79 111 22 33"));
    assertFalse(PhoneNumbers.isE164("0791112233"));
    assertFalse(PhoneNumbers.isE164("+0791112233"));
    assertFalse(PhoneNumbers.isE164(null));
  }

  @Test
  void defaultCountryFallsBackToFrance() {
    assertEquals("CH", PhoneNumbers.defaultCountry("ch"));
    assertEquals("CH", PhoneNumbers.defaultCountry(" CH "));
    assertEquals("FR", PhoneNumbers.defaultCountry(null));
    assertEquals("FR", PhoneNumbers.defaultCountry("Suisse"));
    assertEquals("FR", PhoneNumbers.defaultCountry(""));
  }

  @Test
  void storedNumbersAreUsedAsTheyAreOrRead() {
    assertEquals("+41791112233", PhoneNumbers.usable("+41791112233", "FR"));
    assertEquals("+41791112233", PhoneNumbers.usable(" 079 111 22 33 ", "CH"));
    assertNull(PhoneNumbers.usable("", "CH"));
    assertNull(PhoneNumbers.usable("n/a", "CH"));
  }
}
