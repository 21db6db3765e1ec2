package fr.portailcomptes.keycloak.sms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CodesTest {

  @Test
  void codesAreDigitsOfTheWantedLength() {
    for (int length : new int[] {4, 6, 10}) {
      String code = Codes.generate(length);
      assertEquals(length, code.length());
      assertTrue(code.matches("\\d+"), code);
    }
    assertThrows(IllegalArgumentException.class, () -> Codes.generate(0));
  }

  @Test
  void codesVaryAndUseEveryDigit() {
    Set<String> codes = new HashSet<>();
    Set<Character> digits = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      String code = Codes.generate(6);
      codes.add(code);
      code.chars().forEach(c -> digits.add((char) c));
    }
    assertTrue(codes.size() > 190, "codes repeat too often: " + codes.size());
    assertEquals(10, digits.size());
  }

  @Test
  void hashMatchesOnlyTheSameCodeAndSalt() {
    String salt = Codes.newSalt();
    String hash = Codes.hash("123456", salt);
    assertFalse(hash.contains("123456"));
    assertTrue(Codes.matches("123456", salt, hash));
    assertFalse(Codes.matches("123457", salt, hash));
    assertFalse(Codes.matches("123456", Codes.newSalt(), hash));
    assertFalse(Codes.matches(null, salt, hash));
    assertNotEquals(hash, Codes.hash("123456", Codes.newSalt()));
  }

  @Test
  void cleansWhatPeopleType() {
    assertEquals("123456", Codes.clean(" 123 456 "));
    assertEquals("123456", Codes.clean("123-456"));
    assertNull(Codes.clean("  "));
    assertNull(Codes.clean(null));
  }
}
