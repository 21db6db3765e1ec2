package fr.portailcomptes.keycloak.question;

import java.nio.ByteBuffer;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The portal's secret questions and the rules of an answer, with no Keycloak in them.
 *
 * <p>A portal enables recovery by secret question by listing its questions in the realm attribute
 * {@value #QUESTIONS_ATTRIBUTE} (message keys of the theme, comma-separated: {@code
 * ville-naissance,premier-animal}); with no list, every step of this module stands aside.
 *
 * <p>An answer is compared case-sensitively (the seed portal says so: "les majuscules et les
 * minuscules sont bien différenciées"); only the spaces around and between words are made regular,
 * so that a doubled space is not a wrong answer.
 */
public final class SecretQuestions {

  public static final String QUESTIONS_ATTRIBUTE = "portail.secretQuestions";

  /** Theme message key of a question: this prefix and the question's key. */
  public static final String MESSAGE_PREFIX = "portailQuestion.";

  static final int MIN_LENGTH = 3;
  static final int MAX_LENGTH = 40;

  private static final Pattern KEY = Pattern.compile("[a-z0-9-]{1,40}");
  // Letters (accented too), digits, and what a name holds: space, hyphen, apostrophe.
  private static final Pattern ALLOWED = Pattern.compile("[\\p{L}\\p{N} '\\-’]+");
  private static final Pattern SPACES = Pattern.compile("\\s+");

  private SecretQuestions() {}

  /** The question keys of a realm attribute value; empty when recovery by question is off. */
  public static List<String> keys(String attribute) {
    if (attribute == null || attribute.isBlank()) {
      return List.of();
    }
    return Arrays.stream(attribute.split(","))
        .map(String::trim)
        .filter(key -> KEY.matcher(key).matches())
        .distinct()
        .toList();
  }

  /** The answer as it is hashed and compared: NFC, spaces made regular, case kept. */
  public static String normalize(String answer) {
    String text = answer == null ? "" : Normalizer.normalize(answer, Normalizer.Form.NFC);
    return SPACES.matcher(text.strip()).replaceAll(" ");
  }

  /** The theme message key saying what is wrong with a new answer, or empty if it is fine. */
  public static Optional<String> problem(String answer) {
    String text = normalize(answer);
    if (text.isEmpty()) {
      return Optional.of("portailQuestionAnswerMissing");
    }
    if (text.codePointCount(0, text.length()) < MIN_LENGTH
        || text.codePointCount(0, text.length()) > MAX_LENGTH) {
      return Optional.of("portailQuestionAnswerLength");
    }
    if (!ALLOWED.matcher(text).matches()) {
      return Optional.of("portailQuestionAnswerCharacters");
    }
    return Optional.empty();
  }

  /**
   * The question shown to someone with none (unknown identifiers, or a person who never chose one):
   * one of the portal's, always the same for the same identifiers, drawn from a keyed digest of
   * them so that nobody can tell it from a real person's question.
   */
  public static String decoy(List<String> keys, byte[] keyedDigest) {
    if (keys.isEmpty()) {
      throw new IllegalArgumentException("no questions");
    }
    long value = ByteBuffer.wrap(Arrays.copyOf(keyedDigest, Long.BYTES)).getLong();
    return keys.get((int) Math.floorMod(value, (long) keys.size()));
  }
}
