package dev.spectra.orchestrator.check;

/** A defect planted in the hand-written bank services; each must produce the finding it is named after. */
enum Defect {
  /** A deposit above 1000 throws: 500. */
  SERVER_ERROR,
  /** GET /accounts/{id} returns the balance as a string. */
  BALANCE_AS_STRING,
  /** POST /accounts answers 200 where the contract declares 201. */
  OPEN_ANSWERS_200,
  /** POST /accounts accepts any currency, not only the enum. */
  ACCEPTS_ANY_CURRENCY,
  /** PATCH answers 200 but does not store the new owner. */
  PATCH_NOT_STORED,
  /** DELETE answers 204 but the account stays readable. */
  DELETE_KEEPS_ACCOUNT,
  /** A withdrawal past the balance is accepted (the balance goes negative). */
  OVERDRAFT_ALLOWED,
  /** A malformed JSON body gets a 400 whose body carries a Java stack trace. */
  STACK_TRACE_IN_ERRORS,
  /** POST /accounts takes the client's balance (a read-only property). */
  CLIENT_SETS_BALANCE,
  /** GET /admin/audit answers without credentials. */
  AUDIT_WITHOUT_AUTH,
  /** Owner names are rendered through a toy template engine: {{7*7}} becomes 49. */
  TEMPLATE_EVALUATED,
  /** GET /accounts/{id} never answers for id 1. */
  HANGS_ON_FIRST_ACCOUNT,
  /** Deposits answer 501 (an operation a scaffold left for later). */
  NOT_IMPLEMENTED_DEPOSIT,
  /** The audit log echoes the Authorization header it was sent. */
  ECHOES_AUTHORIZATION
}
