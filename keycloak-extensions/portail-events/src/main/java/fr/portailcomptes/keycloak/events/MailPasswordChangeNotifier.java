package fr.portailcomptes.keycloak.events;

import java.io.IOException;
import java.text.Bidi;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.jboss.logging.Logger;
import org.keycloak.email.EmailException;
import org.keycloak.email.EmailSenderProvider;
import org.keycloak.models.AbstractKeycloakTransaction;
import org.keycloak.models.KeycloakSession;
import org.keycloak.models.KeycloakTransactionManager;
import org.keycloak.models.RealmModel;
import org.keycloak.models.UserModel;
import org.keycloak.theme.Theme;
import org.keycloak.theme.beans.MessageFormatterMethod;
import org.keycloak.theme.freemarker.FreeMarkerProvider;

/**
 * Sends the "password changed" notice to the user's {@code portail.responsible-email}, which is
 * usually not the user's own address: Keycloak's {@code EmailTemplateProvider} can only write to
 * the user's email (its address-taking {@code send} is protected), so the texts are formatted here
 * ({@link PasswordChangedMail}, from the realm's email theme) and handed to the public {@link
 * EmailSenderProvider#send(Map, String, String, String, String)} with the realm's SMTP settings.
 *
 * <p>Everything is read and formatted while the event is handled (inside the request's
 * transaction); the SMTP exchange happens after that transaction has committed, and not at all if
 * it rolls back. A failure is logged (address masked) and never reaches the password change.
 */
final class MailPasswordChangeNotifier implements PasswordChangeNotifier {

  /** Not the events category: that one carries only the JSON event lines. */
  static final String LOGGER = "fr.portailcomptes.keycloak.notifications";

  static final String RESPONSIBLE_EMAIL = "portail.responsible-email";
  static final String ACCOUNT_LOGIN = "portail.account-login";
  static final String COMPANY_NAME = "portail.company-name";
  static final String SUPPORT_CONTACT = "portail.supportContact";

  /** HTML frame: the theme's {@code template.ftl} around the body (see that file). */
  static final String HTML_TEMPLATE = "html/portail-password-changed.ftl";

  private static final Logger LOG = Logger.getLogger(LOGGER);

  private final KeycloakSession session;

  MailPasswordChangeNotifier(KeycloakSession session) {
    this.session = session;
  }

  @Override
  public void passwordChanged(String realmId, String userId, String cause) {
    try {
      prepareAndSend(realmId, userId, cause);
    } catch (RuntimeException e) {
      LOG.warnf(
          "password-change notice for user %s (%s) not sent: %s",
          userId, cause, e.getClass().getSimpleName());
    }
  }

  private void prepareAndSend(String realmId, String userId, String cause) {
    RealmModel realm = realmId == null ? null : session.realms().getRealm(realmId);
    UserModel user = realm == null ? null : session.users().getUserById(realm, userId);
    if (user == null) {
      LOG.debugf("password-change notice skipped: user %s unknown in realm %s", userId, realmId);
      return;
    }
    String to = user.getFirstAttribute(RESPONSIBLE_EMAIL);
    if (to == null || to.isBlank()) {
      LOG.debugf("password-change notice skipped: user %s has no %s", userId, RESPONSIBLE_EMAIL);
      return;
    }
    to = to.trim();
    if (!PasswordChangedMail.isAddress(to)) {
      LOG.warnf(
          "password-change notice for user %s not sent: %s is not one address (%s)",
          userId, RESPONSIBLE_EMAIL, PasswordChangedMail.mask(to));
      return;
    }
    Map<String, String> smtp = realm.getSmtpConfig();
    if (smtp == null || smtp.get("host") == null || smtp.get("host").isBlank()) {
      LOG.warnf(
          "password-change notice for user %s not sent: realm %s has no SMTP server",
          userId, realm.getName());
      return;
    }

    Locale locale =
        PasswordChangedMail.localeOf(
            user.getFirstAttribute(UserModel.LOCALE), realm.getDefaultLocale());
    Theme theme;
    Properties messages;
    try {
      theme = emailTheme(realm);
      messages = theme.getEnhancedMessages(realm, locale);
    } catch (IOException e) {
      LOG.warnf(
          "password-change notice for user %s not sent: email theme unreadable (%s)",
          userId, e.getMessage());
      return;
    }
    if (!PasswordChangedMail.hasTexts(messages)) {
      LOG.warnf(
          "password-change notice for user %s not sent: email theme %s has no %s texts",
          userId, theme.getName(), PasswordChangedMail.SUBJECT);
      return;
    }

    String login = user.getFirstAttribute(ACCOUNT_LOGIN);
    String portalName = portalName(realm);
    PasswordChangedMail mail =
        PasswordChangedMail.format(
            messages,
            locale,
            login == null || login.isBlank() ? user.getUsername() : login,
            user.getFirstAttribute(COMPANY_NAME),
            portalName,
            realm.getAttribute(SUPPORT_CONTACT));
    String html = frame(theme, messages, locale, portalName, mail.htmlBody());

    Outgoing outgoing =
        new Outgoing(new HashMap<>(smtp), to, mail.subject(), mail.textBody(), html, userId, cause);
    KeycloakTransactionManager tx = session.getTransactionManager();
    if (tx != null && tx.isActive()) {
      tx.enlistAfterCompletion(outgoing);
    } else {
      outgoing.send();
    }
  }

  private Theme emailTheme(RealmModel realm) throws IOException {
    String name = realm.getEmailTheme();
    return name == null || name.isBlank()
        ? session.theme().getTheme(Theme.Type.EMAIL)
        : session.theme().getTheme(name, Theme.Type.EMAIL);
  }

  /** Same rule as Keycloak's own emails: the display name, else the capitalised realm name. */
  static String portalName(RealmModel realm) {
    String display = realm.getDisplayName();
    if (display != null && !display.isBlank()) {
      return display;
    }
    String name = realm.getName();
    return name == null || name.isEmpty()
        ? ""
        : Character.toUpperCase(name.charAt(0)) + name.substring(1);
  }

  /**
   * The HTML body in the theme's common frame (header band with the portal name, footer), with the
   * attributes that frame uses; a theme without {@value #HTML_TEMPLATE} gets a bare document.
   */
  private String frame(
      Theme theme, Properties messages, Locale locale, String portalName, String body) {
    try {
      FreeMarkerProvider freeMarker = session.getProvider(FreeMarkerProvider.class);
      Map<String, Object> attributes = new HashMap<>();
      attributes.put("locale", locale);
      String tag = locale.toLanguageTag();
      attributes.put(
          "ltr",
          new Bidi(messages.getProperty("locale_" + tag, tag), Bidi.DIRECTION_DEFAULT_LEFT_TO_RIGHT)
              .isLeftToRight());
      attributes.put("msg", new MessageFormatterMethod(locale, messages));
      attributes.put("properties", theme.getProperties());
      attributes.put("realmName", portalName);
      attributes.put("portailBodyHtml", body);
      return freeMarker.processTemplate(attributes, HTML_TEMPLATE, theme);
    } catch (Exception e) {
      LOG.debugf("%s not rendered (%s), bare HTML used", HTML_TEMPLATE, e.getMessage());
      return "<html lang=\""
          + PasswordChangedMail.escapeHtml(locale.getLanguage())
          + "\"><body>"
          + body
          + "</body></html>";
    }
  }

  /** The mail, sent once the request's transaction has committed. */
  private final class Outgoing extends AbstractKeycloakTransaction {
    private final Map<String, String> smtp;
    private final String to;
    private final String subject;
    private final String text;
    private final String html;
    private final String userId;
    private final String cause;

    Outgoing(
        Map<String, String> smtp,
        String to,
        String subject,
        String text,
        String html,
        String userId,
        String cause) {
      this.smtp = smtp;
      this.to = to;
      this.subject = subject;
      this.text = text;
      this.html = html;
      this.userId = userId;
      this.cause = cause;
    }

    @Override
    protected void commitImpl() {
      send();
    }

    @Override
    protected void rollbackImpl() {
      LOG.debugf("password-change notice for user %s dropped: transaction rolled back", userId);
    }

    void send() {
      String masked = PasswordChangedMail.mask(to);
      try {
        session.getProvider(EmailSenderProvider.class).send(smtp, to, subject, text, html);
        LOG.infof("password-change notice (%s) for user %s sent to %s", cause, userId, masked);
      } catch (EmailException | RuntimeException e) {
        // The exception's cause can quote the address or the SMTP dialogue: only its kind is
        // logged.
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
          root = root.getCause();
        }
        LOG.warnf(
            "password-change notice (%s) for user %s to %s failed: %s (%s)",
            cause, userId, masked, e.getClass().getSimpleName(), root.getClass().getSimpleName());
      }
    }
  }
}
