package fr.portailcomptes.keycloak.question;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SecretQuestionsTest {

  @Test
  void theRealmAttributeListsTheQuestionsAndNoneTurnsThemOff() {
    assertEquals(
        List.of("ville-naissance", "premier-animal"),
        SecretQuestions.keys(" ville-naissance, premier-animal,,ville-naissance, Pas Une Clé "));
    assertEquals(List.of(), SecretQuestions.keys(null));
    assertEquals(List.of(), SecretQuestions.keys("  "));
  }

  @Test
  void answersKeepTheirCaseAndOnlyTheirSpacesAreMadeRegular() {
    assertEquals("Saint Jean", SecretQuestions.normalize("  Saint   Jean "));
    assertNotEquals(
        SecretQuestions.normalize("saint jean"), SecretQuestions.normalize("Saint Jean"));
    assertEquals(
        SecretQuestions.normalize("Éloïse"), SecretQuestions.normalize("E\u0301loi\u0308se"));
  }

  @Test
  void aNewAnswerSaysWhatIsWrong() {
    assertEquals(Optional.of("portailQuestionAnswerMissing"), SecretQuestions.problem("   "));
    assertEquals(Optional.of("portailQuestionAnswerLength"), SecretQuestions.problem("ab"));
    assertEquals(
        Optional.of("portailQuestionAnswerLength"), SecretQuestions.problem("a".repeat(41)));
    assertEquals(Optional.of("portailQuestionAnswerCharacters"), SecretQuestions.problem("Rex;"));
    assertEquals(Optional.empty(), SecretQuestions.problem("L'Haÿ-les-Roses"));
    assertEquals(Optional.empty(), SecretQuestions.problem("Rex 2"));
  }

  @Test
  void theDecoyIsOneOfThePortalsQuestionsAndTheSameForTheSameDigest() {
    List<String> keys = List.of("a", "b", "c");
    byte[] digest = {1, 2, 3, 4, 5, 6, 7, 8, 9};
    assertEquals(SecretQuestions.decoy(keys, digest), SecretQuestions.decoy(keys, digest.clone()));
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < 64; i++) {
      seen.add(SecretQuestions.decoy(keys, new byte[] {0, 0, 0, 0, 0, 0, 0, (byte) i}));
    }
    assertTrue(keys.containsAll(seen));
    assertEquals(3, seen.size());
  }
}
