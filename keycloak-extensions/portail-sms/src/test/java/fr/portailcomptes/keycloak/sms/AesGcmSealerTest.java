package fr.portailcomptes.keycloak.sms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Base64;
import java.util.Map;
import javax.crypto.KeyGenerator;
import javax.crypto.SecretKey;
import org.junit.jupiter.api.Test;

class AesGcmSealerTest {

  private static SecretKey key() throws Exception {
    KeyGenerator generator = KeyGenerator.getInstance("AES");
    generator.init(128);
    return generator.generateKey();
  }

  @Test
  void sealsAndOpens() throws Exception {
    AesGcmSealer sealer = new AesGcmSealer("k1", key(), kid -> null, "session-a");
    String sealed = sealer.seal("123456");
    assertNotNull(sealed);
    assertFalse(sealed.contains("123456"));
    assertEquals("123456", sealer.open(sealed));
  }

  @Test
  void anotherSessionCannotOpen() throws Exception {
    SecretKey key = key();
    String sealed = new AesGcmSealer("k1", key, kid -> null, "session-a").seal("123456");
    assertNull(new AesGcmSealer("k1", key, kid -> null, "session-b").open(sealed));
  }

  @Test
  void aRotatedKeyStillOpensWhatItSealed() throws Exception {
    SecretKey old = key();
    String sealed = new AesGcmSealer("old", old, kid -> null, "s").seal("654321");
    AesGcmSealer rotated = new AesGcmSealer("new", key(), Map.of("old", old)::get, "s");
    assertEquals("654321", rotated.open(sealed));
    assertNull(new AesGcmSealer("new", key(), kid -> null, "s").open(sealed));
  }

  @Test
  void tamperedOrGarbageGivesNull() throws Exception {
    AesGcmSealer sealer = new AesGcmSealer("k1", key(), kid -> null, "s");
    String sealed = sealer.seal("123456");
    String[] parts = sealed.split("\\.");
    byte[] body = Base64.getUrlDecoder().decode(parts[2]);
    body[0] ^= 1;
    String tampered =
        parts[0]
            + "."
            + parts[1]
            + "."
            + Base64.getUrlEncoder().withoutPadding().encodeToString(body);
    assertNull(sealer.open(tampered));
    assertNull(sealer.open("nonsense"));
    assertNull(sealer.open("a.b.c"));
    assertNull(sealer.open(null));
  }

  @Test
  void withoutAKeyNothingIsSealed() {
    assertNull(new AesGcmSealer(null, null, kid -> null, "s").seal("123456"));
    assertNull(CodeSealer.NONE.seal("123456"));
  }
}
