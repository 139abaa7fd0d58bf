package dev.spectra.orchestrator.config;

import dev.spectra.orchestrator.model.ModelSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The configuration in effect, after flags, environment, {@code .env}, {@code orchestrator.yaml} and defaults
 * were merged. Immutable. Built by {@link ConfigLoader}. Its {@code toString} never shows environment values.
 */
public final class Config {
  private final Catalog catalog;
  private final String defaultModel;
  private final String fallbackModel;
  private final String referenceModel;
  private final String ollamaKeepAlive;
  private final Section<ConfigFile.Routing> routing;
  private final Section<ConfigFile.Budgets> budgets;
  private final Section<ConfigFile.LedgerLocation> ledger;
  private final List<Source> sources;
  private final List<Path> files;
  private final List<String> warnings;
  private final Map<String, String> env;
  private final Secrets secrets;

  Config(Catalog catalog, String defaultModel, String fallbackModel, String referenceModel, String ollamaKeepAlive,
      Section<ConfigFile.Routing> routing, Section<ConfigFile.Budgets> budgets,
      Section<ConfigFile.LedgerLocation> ledger, List<Source> sources, List<Path> files, List<String> warnings,
      Map<String, String> env) {
    this.catalog = catalog;
    this.defaultModel = defaultModel;
    this.fallbackModel = fallbackModel;
    this.referenceModel = referenceModel;
    this.ollamaKeepAlive = ollamaKeepAlive;
    this.routing = routing;
    this.budgets = budgets;
    this.ledger = ledger;
    this.sources = List.copyOf(sources);
    this.files = List.copyOf(files);
    this.warnings = List.copyOf(warnings);
    this.env = Map.copyOf(env);
    this.secrets = Secrets.from(env);
  }

  /**
   * Where one effective setting came from, for {@code doctor}.
   *
   * @param origin {@code flag}, {@code environment}, {@code .env (PATH:LINE)}, {@code orchestrator.yaml (PATH:LINE)}
   *     or {@code default}
   */
  public record Source(String setting, String value, String origin) {}

  /**
   * A section of orchestrator.yaml read by another component ({@code routing} and {@code budgets} by the cascade,
   * {@code ledger} by the ledger), bound to its record. It comes whole from the highest-precedence file that has it.
   * {@link #error} gives the same file-and-line errors as the rest of the configuration.
   */
  public static final class Section<T> {
    private final YamlDoc doc;
    private final String name;
    private final T value;

    Section(YamlDoc doc, String name, T value) {
      this.doc = doc;
      this.name = name;
      this.value = java.util.Objects.requireNonNull(value, "value");
    }

    static <T> Section<T> absent(String name, T none) { return new Section<>(null, name, none); }

    /** {@return the section as written; every component null when no file sets it} */
    public T value() { return value; }

    public Optional<Path> file() { return doc == null ? Optional.empty() : Optional.of(doc.file()); }

    /** {@return an error at {@code pointer} inside this section ({@code /retry/max-attempts}), naming file and line} */
    public ConfigException error(String pointer, String expected) {
      if (doc == null) return new ConfigException("configuration", 0, name + YamlDoc.dotted(pointer), expected);
      return doc.error("/" + name + pointer, expected);
    }
  }

  public Catalog catalog() { return catalog; }

  /** {@return the catalog name of the model used when none is named} */
  public String defaultModel() { return defaultModel; }

  public ModelSpec defaultSpec() { return catalog.get(defaultModel).orElseThrow(); }

  /** {@return the catalog name of the fallback model, when one is configured} */
  public Optional<String> fallbackModel() { return Optional.ofNullable(fallbackModel); }

  /** {@return the cloud model whose prices define what a local answer "saved"} */
  public String referenceModel() { return referenceModel; }

  /** {@return Ollama's keep_alive to send, or null for Ollama's own default} */
  public String ollamaKeepAlive() { return ollamaKeepAlive; }

  public Section<ConfigFile.Routing> routing() { return routing; }

  public Section<ConfigFile.Budgets> budgets() { return budgets; }

  public Section<ConfigFile.LedgerLocation> ledger() { return ledger; }

  /** {@return each setting in effect and where it came from} */
  public List<Source> sources() { return sources; }

  /** {@return the configuration files that were read, lowest precedence first} */
  public List<Path> files() { return files; }

  /** {@return non-fatal findings for {@code doctor}; a bad or unknown key is an error, never only a warning} */
  public List<String> warnings() { return warnings; }

  public Secrets secrets() { return secrets; }

  /**
   * {@return a variable from the environment or {@code .env} (environment first)}, for components with their
   * own variables ({@code ORCHESTRATOR_DB_URL}). Do not print what it returns for key-like names.
   */
  public Optional<String> setting(String envName) {
    String v = env.get(envName);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v);
  }

  @Override public String toString() {
    return "Config[default=" + defaultModel + ", fallback=" + fallbackModel + ", catalog=" + catalog.version()
        + ", files=" + files + ", " + secrets + "]";
  }
}
