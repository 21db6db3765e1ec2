package fr.portailcomptes.keycloak.events;

import java.text.MessageFormat;
import java.util.Locale;
import java.util.Properties;

/**
 * The "password changed" notice to an account's responsible (rule 5): subject, plain-text body and
 * HTML body, formatted from the email theme's messages. Pure: no Keycloak session, so every text is
 * unit-testable.
 *
 * <p>Message keys (theme {@code portail}, {@code email/messages/messages_{fr,de,en}.properties}):
 *
 * <ul>
 *   <li>{@value #SUBJECT}, {@value #BODY}, {@value #BODY_HTML}: {0} the account (login, then the
 *       company name in parentheses when known), {1} the portal name (realm display name), {2} the
 *       support paragraph below or nothing;
 *   <li>{@value #SUPPORT}, {@value #SUPPORT_HTML}: {0} the realm's support contact (attribute
 *       {@code portail.supportContact}); left out entirely when the realm has none. The text
 *       version ends with its own blank line.
 * </ul>
 *
 * In the HTML body every argument is HTML-escaped; in all texts control characters (a newline in a
 * company name, say) become spaces, so an attribute cannot add a header line to the subject.
 */
public final class PasswordChangedMail {

  public static final String SUBJECT = "portailPasswordChangedSubject";
  public static final String BODY = "portailPasswordChangedBody";
  public static final String BODY_HTML = "portailPasswordChangedBodyHtml";
  public static final String SUPPORT = "portailPasswordChangedSupport";
  public static final String SUPPORT_HTML = "portailPasswordChangedSupportHtml";

  /** The reference language of the portal, used when neither the user nor the realm has one. */
  public static final Locale DEFAULT_LOCALE = Locale.FRENCH;

  private final String subject;
  private final String textBody;
  private final String htmlBody;

  private PasswordChangedMail(String subject, String textBody, String htmlBody) {
    this.subject = subject;
    this.textBody = textBody;
    this.htmlBody = htmlBody;
  }

  public String subject() {
    return subject;
  }

  public String textBody() {
    return textBody;
  }

  /** The HTML body without its frame (the theme's {@code template.ftl} adds it). */
  public String htmlBody() {
    return htmlBody;
  }

  /** Whether these messages hold the keys of this notice (false for a non-portail email theme). */
  public static boolean hasTexts(Properties messages) {
    return messages != null
        && messages.getProperty(SUBJECT) != null
        && messages.getProperty(BODY) != null
        && messages.getProperty(BODY_HTML) != null;
  }

  /**
   * Formats the notice.
   *
   * @param messages the email theme's messages for {@code locale}; see {@link #hasTexts}
   * @param accountLogin the account's login ({@code portail.account-login}), required
   * @param companyName the company name ({@code portail.company-name}), optional
   * @param portalName the portal's name (realm display name), required
   * @param supportContact free text ({@code portail.supportContact}), optional
   * @throws IllegalArgumentException if a key is missing
   */
  public static PasswordChangedMail format(
      Properties messages,
      Locale locale,
      String accountLogin,
      String companyName,
      String portalName,
      String supportContact) {
    if (!hasTexts(messages)) {
      throw new IllegalArgumentException("the email theme has no " + SUBJECT + " texts");
    }
    String login = clean(accountLogin);
    String company = clean(companyName);
    String account = company.isEmpty() ? login : login + " (" + company + ")";
    String portal = clean(portalName);
    String contact = clean(supportContact);

    String supportText = contact.isEmpty() ? "" : format(messages, SUPPORT, locale, contact);
    String supportHtml =
        contact.isEmpty() ? "" : format(messages, SUPPORT_HTML, locale, escapeHtml(contact));

    return new PasswordChangedMail(
        format(messages, SUBJECT, locale, account, portal, ""),
        format(messages, BODY, locale, account, portal, supportText),
        format(messages, BODY_HTML, locale, escapeHtml(account), escapeHtml(portal), supportHtml));
  }

  /**
   * The locale of the notice: the user's {@code locale} attribute, else the realm's default locale,
   * else {@link #DEFAULT_LOCALE}. Keycloak's theme messages fall back by themselves: de-CH to de, a
   * language the theme lacks (it) to the realm's default locale, as for Keycloak's own emails.
   */
  public static Locale localeOf(String userLocale, String realmDefaultLocale) {
    for (String tag : new String[] {userLocale, realmDefaultLocale}) {
      if (tag != null && !tag.isBlank()) {
        Locale locale = Locale.forLanguageTag(tag.trim());
        if (!locale.getLanguage().isEmpty()) {
          return locale;
        }
      }
    }
    return DEFAULT_LOCALE;
  }

  /**
   * An address for the log: first character of the local part, then {@code ***}, then the domain
   * ({@code p***@example.org}). Never the address in full.
   */
  public static String mask(String address) {
    if (address == null) {
      return "***";
    }
    String a = address.trim();
    int at = a.lastIndexOf('@');
    if (at <= 0 || at == a.length() - 1) {
      return "***";
    }
    return a.charAt(0) + "***" + a.substring(at);
  }

  /** Whether this looks like one mail address (the sender checks it properly). */
  public static boolean isAddress(String address) {
    if (address == null) {
      return false;
    }
    String a = address.trim();
    int at = a.lastIndexOf('@');
    return at > 0
        && at < a.length() - 1
        && a.indexOf('@') == at
        && a.chars().noneMatch(c -> Character.isWhitespace(c) || c == ',' || c == ';');
  }

  static String escapeHtml(String s) {
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (char c : s.toCharArray()) {
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  private static String clean(String s) {
    if (s == null) {
      return "";
    }
    return s.replaceAll("\\p{Cntrl}+", " ").strip();
  }

  private static String format(Properties messages, String key, Locale locale, Object... args) {
    String pattern = messages.getProperty(key);
    if (pattern == null) {
      throw new IllegalArgumentException("missing message " + key);
    }
    return new MessageFormat(pattern, locale).format(args);
  }
}
