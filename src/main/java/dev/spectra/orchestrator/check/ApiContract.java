package dev.spectra.orchestrator.check;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The operations of a contract, ready to check.
 *
 * @param file the contract as the user named it
 * @param operations in document order
 * @param serverPath the path of the contract's first server URL ("" when none), for a note when --url lacks it
 * @param tolerated the parser's complaints about the letter of the specification, checked as written anyway
 */
record ApiContract(String file, List<Operation> operations, String serverPath, List<String> tolerated) {
  ApiContract {
    operations = List.copyOf(operations);
    tolerated = List.copyOf(tolerated);
  }

  /** {@return the operation a concrete request belongs to; literal segments win over templates} */
  Optional<Operation> find(String method, String concretePath) {
    return operations.stream()
        .filter(o -> o.matches(method, concretePath))
        .min(Comparator.comparingLong(o -> o.path().chars().filter(c -> c == '{').count()));
  }

  Optional<Operation> byId(String id) {
    return operations.stream().filter(o -> o.id().equals(id)).findFirst();
  }
}
