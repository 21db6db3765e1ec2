package fr.portailcomptes.keycloak.sms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SmsSettingsTest {

  @Test
  void noConfigMeansTheDefaults() {
    assertEquals(SmsSettings.DEFAULTS, SmsSettings.of(null));
    assertEquals(SmsSettings.DEFAULTS, SmsSettings.of(Map.of()));
    SmsSettings d = SmsSettings.DEFAULTS;
    assertEquals(6, d.codeLength());
    assertEquals(300, d.ttlSeconds());
    assertEquals(3, d.maxAttempts());
    assertEquals(30, d.resendCooldownSeconds());
    assertEquals(5, d.maxSends());
    assertFalse(d.mandatory());
  }

  @Test
  void readsEveryKey() {
    SmsSettings s =
        SmsSettings.of(
            Map.of(
                "codeLength", "8",
                "ttlSeconds", " 120 ",
                "maxAttempts", "5",
                "resendCooldownSeconds", "0",
                "maxSends", "3",
                "mandatory", "true"));
    assertEquals(new SmsSettings(8, 120, 5, 0, 3, true, false), s);
    assertEquals(2, s.ttlMinutes());
  }

  @Test
  void unreadableOrOutOfRangeValuesFallBackToTheDefaultAndAreReported() {
    Map<String, String> config =
        Map.of(
            "codeLength", "3",
            "ttlSeconds", "abc",
            "maxAttempts", "0",
            "resendCooldownSeconds", "-5",
            "maxSends", "99",
            "mandatory", "maybe");
    assertEquals(SmsSettings.DEFAULTS, SmsSettings.of(config));
    List<String> problems = SmsSettings.problems(config);
    assertEquals(6, problems.size(), problems.toString());
    assertTrue(problems.stream().anyMatch(p -> p.startsWith("codeLength ")));
    assertTrue(problems.stream().anyMatch(p -> p.startsWith("mandatory ")));
  }

  @Test
  void blankValuesAreDefaultsWithoutComplaint() {
    Map<String, String> config = Map.of("codeLength", "", "mandatory", " ");
    assertEquals(SmsSettings.DEFAULTS, SmsSettings.of(config));
    assertTrue(SmsSettings.problems(config).isEmpty());
  }

  @Test
  void mandatoryAcceptsTheUsualSpellings() {
    assertTrue(SmsSettings.of(Map.of("mandatory", "TRUE")).mandatory());
    assertTrue(SmsSettings.of(Map.of("mandatory", "on")).mandatory());
    assertFalse(SmsSettings.of(Map.of("mandatory", "false")).mandatory());
  }

  @Test
  void ttlMinutesRoundsUp() {
    assertEquals(5, SmsSettings.DEFAULTS.ttlMinutes());
    assertEquals(1, SmsSettings.of(Map.of("ttlSeconds", "30")).ttlMinutes());
    assertEquals(2, SmsSettings.of(Map.of("ttlSeconds", "61")).ttlMinutes());
  }

  @Test
  void accountPolicyOverridesTheFlowSetting() {
    SmsSettings optionalByDefault = SmsSettings.DEFAULTS;
    SmsSettings mandatoryByDefault = SmsSettings.of(Map.of("mandatory", "true"));
    assertTrue(optionalByDefault.mandatoryFor("required"));
    assertFalse(mandatoryByDefault.mandatoryFor("optional"));
    assertTrue(mandatoryByDefault.mandatoryFor(null));
    assertFalse(optionalByDefault.mandatoryFor("realm"));
  }

  @Test
  void codesAreNeverShorterThanSixDigits() {
    Map<String, String> config = Map.of("codeLength", "4");
    assertEquals(6, SmsSettings.of(config).codeLength());
    assertTrue(
        SmsSettings.problems(config).get(0).startsWith("codeLength must be a whole number from 6"));
  }

  @Test
  void anEnforcedFlowIgnoresTheAccountsPolicy() {
    SmsSettings enforced = SmsSettings.of(Map.of("enforced", "true"));
    assertTrue(enforced.mandatoryFor("optional"));
    assertTrue(enforced.mandatoryFor(null));
    assertFalse(SmsSettings.of(Map.of()).mandatoryFor("optional"));
  }
}
