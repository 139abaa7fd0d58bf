package dev.spectra.orchestrator.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Each planted defect gives the finding it should, on both hand-written services. */
class CheckerPlantedDefectsTest {

  static Stream<Arguments> defects() {
    return Stream.of(
        Arguments.of(Defect.SERVER_ERROR, Finding.Kind.SERVER_ERROR, "deposit", null),
        Arguments.of(Defect.BALANCE_AS_STRING, Finding.Kind.SCHEMA_VIOLATION, "getAccount", null),
        Arguments.of(Defect.OPEN_ANSWERS_200, Finding.Kind.UNDECLARED_STATUS, "openAccount", null),
        Arguments.of(Defect.ACCEPTS_ANY_CURRENCY, Finding.Kind.ACCEPTED_INVALID_INPUT, "openAccount", null),
        Arguments.of(Defect.PATCH_NOT_STORED, Finding.Kind.STATEFUL, "getAccount", null),
        Arguments.of(Defect.DELETE_KEEPS_ACCOUNT, Finding.Kind.STATEFUL, "getAccount", null),
        Arguments.of(Defect.OVERDRAFT_ALLOWED, Finding.Kind.SCENARIO, "withdraw", null),
        Arguments.of(Defect.STACK_TRACE_IN_ERRORS, Finding.Kind.SECURITY, "", "CWE-209"),
        Arguments.of(Defect.CLIENT_SETS_BALANCE, Finding.Kind.SECURITY, "openAccount", "CWE-915"),
        Arguments.of(Defect.AUDIT_WITHOUT_AUTH, Finding.Kind.SECURITY, "auditLog", "CWE-306"),
        Arguments.of(Defect.TEMPLATE_EVALUATED, Finding.Kind.SECURITY, "", "CWE-1336"),
        Arguments.of(Defect.HANGS_ON_FIRST_ACCOUNT, Finding.Kind.SERVER_ERROR, "getAccount", null),
        Arguments.of(Defect.ECHOES_AUTHORIZATION, Finding.Kind.SECURITY, "auditLog", "CWE-200"));
  }

  private static CheckReport check(String url, long seed) throws CheckInputException {
    return new Checker().check(CheckerCorrectServicesTest.request(url, seed).withTimeout(Duration.ofSeconds(1)));
  }

  private static void assertFound(CheckReport report, Finding.Kind kind, String operation, String cwe) {
    String text = new ReportWriter().text(report);
    assertThat(report.failures()).as(text).anySatisfy(f -> {
      assertThat(f.kind()).isEqualTo(kind);
      assertThat(f.operation()).contains(operation);
      if (cwe != null) assertThat(f).isInstanceOfSatisfying(Finding.Security.class, s -> assertThat(s.cwe())
          .isEqualTo(cwe));
      assertThat(f.evidence().curl()).startsWith("curl ");
    });
    assertThat(report.passed()).isFalse();
  }

  @ParameterizedTest(name = "{0} on Javalin gives {1}")
  @MethodSource("defects")
  void javalinServiceWithAPlantedDefectGivesItsFinding(Defect defect, Finding.Kind kind, String operation,
      String cwe) throws Exception {
    try (JavalinBank bank = new JavalinBank(Set.of(defect))) {
      assertFound(check(bank.url(), 5), kind, operation, cwe);
    }
  }

  @ParameterizedTest(name = "{0} on the JDK server gives {1}")
  @MethodSource("defects")
  void jdkServerServiceWithAPlantedDefectGivesItsFinding(Defect defect, Finding.Kind kind, String operation,
      String cwe) throws Exception {
    try (JdkBank bank = new JdkBank(Set.of(defect))) {
      assertFound(check(bank.url(), 6), kind, operation, cwe);
    }
  }

  @Test
  void anOperationAnswering501IsPendingNotPassing() throws Exception {
    try (JdkBank bank = new JdkBank(Set.of(Defect.NOT_IMPLEMENTED_DEPOSIT))) {
      CheckReport report = check(bank.url(), 1);
      assertThat(report.pending()).extracting(CheckReport.Pending::operation)
          .containsExactly("POST /accounts/{accountId}/deposits (deposit)");
      assertThat(report.findings()).noneMatch(f -> f.operation().contains("(deposit)")
          && f.kind() == Finding.Kind.SERVER_ERROR);
      assertThat(report.passed()).isFalse();
    }
  }

  @Test
  void theSameSeedSendsTheSameRequests() throws Exception {
    List<String> first;
    try (JdkBank bank = new JdkBank(Set.of(Defect.ACCEPTS_ANY_CURRENCY))) {
      first = check(bank.url(), 9).findings().stream().map(f -> f.summary()).toList();
    }
    try (JdkBank bank = new JdkBank(Set.of(Defect.ACCEPTS_ANY_CURRENCY))) {
      assertThat(check(bank.url(), 9).findings().stream().map(f -> f.summary()).toList()).isEqualTo(first);
    }
  }
}
