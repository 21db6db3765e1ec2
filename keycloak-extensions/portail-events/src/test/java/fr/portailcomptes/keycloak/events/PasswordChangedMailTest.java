package fr.portailcomptes.keycloak.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PasswordChangedMailTest {

  /** The real texts, when the repository's theme is next to the module (not in a Docker build). */
  private static final Path THEME_MESSAGES = Path.of("../../themes/portail/email/messages");

  private static final String CONTACT = "hotline@portail.example – 04 00 00 00 00";

  @Test
  void frenchNoticeNamesTheAccountThePortalAndTheSupport() throws IOException {
    PasswordChangedMail mail =
        PasswordChangedMail.format(
            themeMessages("fr"), Locale.FRENCH, "asp1ent", "ASPONE", "Portail Démo", CONTACT);

    assertEquals("Le mot de passe du compte asp1ent (ASPONE) a été modifié", mail.subject());
    assertEquals(
        "Madame, Monsieur,\n\n"
            + "Le mot de passe de votre compte asp1ent (ASPONE) sur Portail Démo vient d'être"
            + " changé.\n\n"
            + "Si vous n'êtes pas à l'origine de ce changement, prenez contact sans tarder avec"
            + " notre support : "
            + CONTACT
            + "\n\n"
            + "Nous vous prions d'agréer nos salutations distinguées.\n"
            + "Portail Démo",
        mail.textBody());
    assertTrue(mail.htmlBody().startsWith("<p>Madame, Monsieur,</p>"), mail.htmlBody());
    assertTrue(mail.htmlBody().contains("<strong>asp1ent (ASPONE)</strong>"), mail.htmlBody());
    assertTrue(mail.htmlBody().contains("notre support : " + CONTACT + "</p>"), mail.htmlBody());
    assertFalse(mail.htmlBody().contains("''"), "MessageFormat quotes left: " + mail.htmlBody());
  }

  @Test
  void germanNotice() throws IOException {
    PasswordChangedMail mail =
        PasswordChangedMail.format(
            themeMessages("de"), Locale.GERMAN, "tbn1.asp1ent", null, "Portail Démo", CONTACT);

    assertEquals("Das Passwort des Kontos tbn1.asp1ent wurde geändert", mail.subject());
    assertTrue(mail.textBody().startsWith("Sehr geehrte Damen und Herren\n\n"), mail.textBody());
    assertTrue(
        mail.textBody()
            .contains("Ihres Kontos tbn1.asp1ent bei Portail Démo wurde soeben geändert"),
        mail.textBody());
    assertTrue(mail.textBody().contains("an unseren Support: " + CONTACT), mail.textBody());
    assertTrue(mail.textBody().endsWith("Freundliche Grüsse\nPortail Démo"), mail.textBody());
  }

  @Test
  void englishNotice() throws IOException {
    PasswordChangedMail mail =
        PasswordChangedMail.format(
            themeMessages("en"), Locale.ENGLISH, "asp1ent", "ASPONE", "Portail Démo", CONTACT);

    assertEquals("The password of account asp1ent (ASPONE) has been changed", mail.subject());
    assertTrue(mail.textBody().startsWith("Dear Sir or Madam,\n\n"), mail.textBody());
    assertTrue(mail.textBody().contains("support team without delay: " + CONTACT));
  }

  @ParameterizedTest
  @ValueSource(strings = {"fr", "de", "it", "en"})
  void everyLanguageHasEveryKeyAndDropsTheSupportSentenceWithoutAContact(String language)
      throws IOException {
    Properties messages = themeMessages(language);
    assertTrue(PasswordChangedMail.hasTexts(messages));
    assertTrue(messages.getProperty(PasswordChangedMail.SUPPORT) != null);
    assertTrue(messages.getProperty(PasswordChangedMail.SUPPORT_HTML) != null);

    Locale locale = Locale.forLanguageTag(language);
    PasswordChangedMail without =
        PasswordChangedMail.format(messages, locale, "asp1ent", "", "Portail Démo", "  ");
    PasswordChangedMail with =
        PasswordChangedMail.format(messages, locale, "asp1ent", "", "Portail Démo", CONTACT);

    assertFalse(without.textBody().contains("\n\n\n"), without.textBody());
    assertFalse(without.textBody().toLowerCase(locale).contains("support"), without.textBody());
    assertFalse(without.htmlBody().toLowerCase(locale).contains("support"), without.htmlBody());
    assertTrue(with.textBody().contains(CONTACT));
    assertTrue(with.htmlBody().contains(CONTACT));
    for (PasswordChangedMail mail : new PasswordChangedMail[] {without, with}) {
      assertTrue(mail.subject().contains("asp1ent"), mail.subject());
      assertTrue(mail.textBody().contains("asp1ent"), mail.textBody());
      assertFalse(mail.subject().contains("{"), mail.subject());
      assertFalse(mail.textBody().contains("{"), mail.textBody());
      assertFalse(mail.htmlBody().contains("{"), mail.htmlBody());
      assertFalse(mail.textBody().contains("''"), mail.textBody());
    }
  }

  @Test
  void htmlArgumentsAreEscapedAndNoArgumentCanAddALine() {
    PasswordChangedMail mail =
        PasswordChangedMail.format(
            inlineMessages(),
            Locale.FRENCH,
            "asp1ent\r\nBcc: x@evil.example",
            "Dupont & <Fils>",
            "Portail \"Démo\"",
            "<script>alert(1)</script>");

    assertEquals("Compte asp1ent Bcc: x@evil.example (Dupont & <Fils>)", mail.subject());
    assertFalse(mail.textBody().contains("\r"));
    assertEquals(
        "<p>asp1ent Bcc: x@evil.example (Dupont &amp; &lt;Fils&gt;) / Portail &quot;Démo&quot;</p>"
            + "<p>Support &lt;script&gt;alert(1)&lt;/script&gt;</p>",
        mail.htmlBody());
  }

  @Test
  void missingTextsAreReported() {
    Properties messages = inlineMessages();
    messages.remove(PasswordChangedMail.BODY_HTML);
    assertFalse(PasswordChangedMail.hasTexts(messages));
    assertFalse(PasswordChangedMail.hasTexts(new Properties()));
    assertFalse(PasswordChangedMail.hasTexts(null));
    assertThrows(
        IllegalArgumentException.class,
        () -> PasswordChangedMail.format(messages, Locale.FRENCH, "a", null, "P", null));
  }

  @Test
  void localeIsTheUsersElseTheRealmsElseFrench() {
    assertEquals(Locale.GERMAN, PasswordChangedMail.localeOf("de", "fr"));
    assertEquals(Locale.forLanguageTag("de-CH"), PasswordChangedMail.localeOf("de-CH", "fr"));
    assertEquals(Locale.ENGLISH, PasswordChangedMail.localeOf(null, "en"));
    assertEquals(Locale.ENGLISH, PasswordChangedMail.localeOf("  ", "en"));
    assertEquals(Locale.FRENCH, PasswordChangedMail.localeOf(null, null));
    assertEquals(Locale.FRENCH, PasswordChangedMail.localeOf("", ""));
  }

  @Test
  void addressesAreMaskedForTheLog() {
    assertEquals("p***@example.org", PasswordChangedMail.mask("paul.durand@example.org"));
    assertEquals("p***@example.org", PasswordChangedMail.mask(" p@example.org "));
    assertEquals("***", PasswordChangedMail.mask("not-an-address"));
    assertEquals("***", PasswordChangedMail.mask("@example.org"));
    assertEquals("***", PasswordChangedMail.mask("paul@"));
    assertEquals("***", PasswordChangedMail.mask(null));
    assertFalse(PasswordChangedMail.mask("paul.durand@example.org").contains("durand"));
  }

  @Test
  void onlyOneAddressIsAccepted() {
    assertTrue(PasswordChangedMail.isAddress("paul.durand@example.org"));
    assertFalse(PasswordChangedMail.isAddress("a@example.org, b@example.org"));
    assertFalse(PasswordChangedMail.isAddress("a@b@example.org"));
    assertFalse(PasswordChangedMail.isAddress("paul"));
    assertFalse(PasswordChangedMail.isAddress(""));
    assertFalse(PasswordChangedMail.isAddress(null));
  }

  private static Properties inlineMessages() {
    Properties p = new Properties();
    p.setProperty(PasswordChangedMail.SUBJECT, "Compte {0}");
    p.setProperty(PasswordChangedMail.BODY, "{0} / {1}\n\n{2}Fin");
    p.setProperty(PasswordChangedMail.BODY_HTML, "<p>{0} / {1}</p>{2}");
    p.setProperty(PasswordChangedMail.SUPPORT, "Support {0}\n\n");
    p.setProperty(PasswordChangedMail.SUPPORT_HTML, "<p>Support {0}</p>");
    return p;
  }

  /** Read as Keycloak reads theme messages: UTF-8. */
  private static Properties themeMessages(String language) throws IOException {
    Path file = THEME_MESSAGES.resolve("messages_" + language + ".properties");
    assumeTrue(Files.isRegularFile(file), "theme not found next to the module: " + file);
    Properties p = new Properties();
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(in);
    }
    return p;
  }
}
