package fr.portailcomptes.keycloak.login;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class IdentifiersTest {

  private static Identifiers siretNames(String siret, String last, String first) {
    return Identifiers.of(
        LoginScheme.SIRET_NAMES,
        Map.of(
            LoginScheme.SIRET, siret, LoginScheme.LAST_NAME, last, LoginScheme.FIRST_NAME, first));
  }

  @Test
  void schemesAreReadFromTheRealmAttributeWithTheAccountLoginByDefault() {
    assertEquals(LoginScheme.EMAIL, LoginScheme.of("email"));
    assertEquals(LoginScheme.SIRET_NAMES, LoginScheme.of(" Siret-Names "));
    assertEquals(LoginScheme.ACCOUNT_LOGIN, LoginScheme.of(null));
    assertEquals(LoginScheme.ACCOUNT_LOGIN, LoginScheme.of("nonsense"));
  }

  @Test
  void namesMatchWithoutCaseAccentsHyphensOrApostrophes() {
    Identifiers typed = siretNames("73282932000074", "d'argent-lévy", "  ÉLOÏSE ");
    assertTrue(typed.namesMatch("D'ARGENT LEVY", "Eloïse"));
    assertTrue(typed.namesMatch("d’Argent-Lévy", "eloise"));
    assertFalse(typed.namesMatch("DARGENT LEVY", "Eloise")); // a letter is not a separator
    assertFalse(typed.namesMatch("D'ARGENT-LEVY", "Elise"));
  }

  @Test
  void aSiretIsFourteenDigitsSpacesAndDotsAside() {
    assertEquals("73282932000074", siretNames("732 829 320 00074", "a", "b").siret());
    assertEquals("73282932000074", siretNames("732.829.320.00074", "a", "b").siret());
    assertEquals("", siretNames("7328293200007", "a", "b").siret());
    assertEquals("", siretNames("7328293200007X", "a", "b").siret());
  }

  @Test
  void everyFieldOfTheSchemeIsNeeded() {
    assertTrue(siretNames("73282932000074", "MARTIN", "Claire").complete());
    assertFalse(siretNames("73282932000074", "MARTIN", " ").complete());
    Identifiers email = Identifiers.of(LoginScheme.EMAIL, Map.of("username", " a@b.ch "));
    assertTrue(email.complete());
    assertEquals("a@b.ch", email.value(LoginScheme.USERNAME));
    assertEquals(Map.of("username", "a@b.ch"), email.values());
  }

  @Test
  void overlongValuesAreCut() {
    String longName = "x".repeat(1000);
    assertEquals(255, siretNames("1", longName, "b").value(LoginScheme.LAST_NAME).length());
  }

  @Test
  void thePageShowsWhatWasTypedInTheSchemesOrder() {
    LoginPage page = LoginPage.of(siretNames(" 73282932000074", "MARTIN", "Claire"));
    assertEquals("siret-names", page.getScheme());
    assertEquals(java.util.List.of("siret", "lastName", "firstName"), page.getFields());
    assertEquals("73282932000074", page.value("siret"));
    assertEquals("", page.value("password")); // never the password
  }
}
