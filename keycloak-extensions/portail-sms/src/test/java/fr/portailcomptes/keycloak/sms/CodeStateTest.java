package fr.portailcomptes.keycloak.sms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import fr.portailcomptes.keycloak.sms.CodeState.CheckResult;
import fr.portailcomptes.keycloak.sms.CodeState.SendKind;
import org.junit.jupiter.api.Test;

class CodeStateTest {

  private static final SmsSettings S = SmsSettings.DEFAULTS; // 300 s, 3 attempts, 30 s, 5 sends
  private static final long T0 = 1_700_000_000_000L;
  private static final String USER = "user-1";
  private static final String PHONE = "+41791112233";

  /** A state whose code "123456" was drawn and delivered at {@code at}. */
  private static CodeState sent(long at) {
    return CodeState.start(USER, PHONE).withNewCode("123456", "sealed", at, S).afterSend(true, at);
  }

  @Test
  void theFirstSendDrawsACode() {
    CodeState fresh = CodeState.start(USER, PHONE);
    assertFalse(fresh.hasCode());
    assertEquals(SendKind.NEW_CODE, fresh.planSend(T0, S).kind());
    CodeState state = sent(T0);
    assertTrue(state.hasCode());
    assertTrue(state.isDelivered());
    assertEquals(1, state.sends());
    assertEquals(T0 + 300_000, state.expiresAt());
    assertEquals(300, state.secondsLeft(T0));
  }

  @Test
  void theRightCodeInTimePasses() {
    CodeState state = sent(T0);
    assertEquals(CheckResult.OK, state.check("123456", T0 + 1000, S).result());
    assertEquals(CheckResult.OK, state.check(" 123 456 ", T0 + 299_999, S).result());
  }

  @Test
  void wrongCodesCountDownThenBlock() {
    CodeState state = sent(T0);
    CodeState.Check first = state.check("000000", T0 + 1000, S);
    assertEquals(CheckResult.WRONG, first.result());
    assertEquals(2, first.attemptsLeft());
    CodeState.Check second = first.next().check("111111", T0 + 2000, S);
    assertEquals(CheckResult.WRONG, second.result());
    assertEquals(1, second.attemptsLeft());
    CodeState.Check third = second.next().check("222222", T0 + 3000, S);
    assertEquals(CheckResult.TOO_MANY, third.result());
    assertEquals(0, third.attemptsLeft());
    assertTrue(third.next().isBlocked());
    // Once blocked, even the right code is refused and nothing more is sent.
    assertEquals(CheckResult.BLOCKED, third.next().check("123456", T0 + 4000, S).result());
    assertEquals(SendKind.BLOCKED, third.next().planSend(T0 + 60_000, S).kind());
  }

  @Test
  void anExpiredCodeIsRefusedWithoutCountingAnAttempt() {
    CodeState state = sent(T0);
    CodeState.Check check = state.check("123456", T0 + 300_000, S);
    assertEquals(CheckResult.EXPIRED, check.result());
    assertEquals(3, check.attemptsLeft());
    assertEquals(0, check.next().attempts());
    assertTrue(state.isExpired(T0 + 300_000));
    assertEquals(0, state.secondsLeft(T0 + 300_000));
  }

  @Test
  void anEmptyEntryIsNotAnAttempt() {
    CodeState state = sent(T0);
    CodeState.Check check = state.check("  ", T0 + 1000, S);
    assertEquals(CheckResult.MISSING, check.result());
    assertEquals(0, check.next().attempts());
    assertEquals(CheckResult.NO_CODE, CodeState.start(USER, PHONE).check("123456", T0, S).result());
  }

  @Test
  void aResendWithinTheCooldownSendsNothingAndSaysHowLongToWait() {
    CodeState state = sent(T0);
    CodeState.SendPlan plan = state.planSend(T0 + 10_000, S);
    assertEquals(SendKind.WAIT, plan.kind());
    assertEquals(20, plan.waitSeconds());
    assertEquals(1, state.planSend(T0 + 29_001, S).waitSeconds());
  }

  @Test
  void aResendAfterTheCooldownWithinTheLifetimeSendsTheSameCode() {
    CodeState state = sent(T0);
    assertEquals(SendKind.SAME_CODE, state.planSend(T0 + 30_000, S).kind());
    CodeState again = state.afterSend(true, T0 + 30_000);
    // Same code, same expiry, attempts not reset.
    assertEquals(state.sealed(), again.sealed());
    assertEquals(state.expiresAt(), again.expiresAt());
    assertEquals(CheckResult.OK, again.check("123456", T0 + 31_000, S).result());
    assertEquals(2, again.sends());
  }

  @Test
  void aResendAfterExpiryDrawsANewCodeWithFreshAttempts() {
    CodeState state = sent(T0).check("000000", T0 + 1000, S).next();
    assertEquals(1, state.attempts());
    long later = T0 + 301_000;
    assertEquals(SendKind.NEW_CODE, state.planSend(later, S).kind());
    CodeState renewed = state.withNewCode("654321", "sealed2", later, S).afterSend(true, later);
    assertEquals(0, renewed.attempts());
    assertEquals(CheckResult.WRONG, renewed.check("123456", later + 1000, S).result());
    assertEquals(CheckResult.OK, renewed.check("654321", later + 1000, S).result());
  }

  @Test
  void aCodeThatCannotBeResentIsReplaced() {
    CodeState state =
        CodeState.start(USER, PHONE).withNewCode("123456", null, T0, S).afterSend(true, T0);
    assertEquals(SendKind.NEW_CODE, state.planSend(T0 + 31_000, S).kind());
  }

  @Test
  void aFailedSendCountsButStartsNoCooldown() {
    CodeState state =
        CodeState.start(USER, PHONE).withNewCode("123456", "sealed", T0, S).afterSend(false, T0);
    assertFalse(state.isDelivered());
    assertEquals(1, state.sends());
    assertEquals(0, state.cooldownLeftSeconds(T0 + 1, S));
    assertEquals(SendKind.SAME_CODE, state.planSend(T0 + 1, S).kind());
  }

  @Test
  void sendsAreCappedPerAttempt() {
    SmsSettings two = new SmsSettings(6, 300, 3, 0, 2, false, false);
    CodeState state =
        CodeState.start(USER, PHONE)
            .withNewCode("123456", "s", T0, two)
            .afterSend(true, T0)
            .afterSend(true, T0 + 1);
    assertEquals(SendKind.LIMIT_REACHED, state.planSend(T0 + 2, two).kind());
  }

  @Test
  void changingTheNumberDropsTheCodeButKeepsTheLimits() {
    CodeState state = sent(T0);
    CodeState other = state.withPhone("+41780000000");
    assertFalse(other.hasCode());
    assertTrue(other.isFor(USER, "+41780000000"));
    assertFalse(other.isFor(USER, PHONE));
    assertEquals(1, other.sends());
    assertEquals(SendKind.WAIT, other.planSend(T0 + 5_000, S).kind());
    assertEquals(SendKind.NEW_CODE, other.planSend(T0 + 30_000, S).kind());
  }

  @Test
  void theNoteRoundTripsWithoutTheCodeInClear() {
    CodeState state = sent(T0).check("000000", T0 + 1000, S).next();
    String note = state.toNote();
    assertFalse(note.contains("123456"), note);
    CodeState back = CodeState.fromNote(note);
    assertEquals(state, back);
    assertTrue(back.isFor(USER, PHONE));
    assertEquals(1, back.attempts());
    assertEquals(CheckResult.OK, back.check("123456", T0 + 2000, S).result());
  }

  @Test
  void unreadableNotesAreIgnored() {
    assertNull(CodeState.fromNote(null));
    assertNull(CodeState.fromNote(""));
    assertNull(CodeState.fromNote("v0|x"));
    assertNull(CodeState.fromNote("v1|a|b|c|d|e|notanumber|0|0|0|0|0"));
  }

  @Test
  void toStringShowsNoSecret() {
    String text = sent(T0).toString();
    assertTrue(text.contains("+41 79 *** ** 33"), text);
    assertFalse(text.contains("sealed"), text);
    assertFalse(text.contains("+41791112233"), text);
  }
}
