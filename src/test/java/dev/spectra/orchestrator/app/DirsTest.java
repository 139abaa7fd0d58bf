package dev.spectra.orchestrator.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DirsTest {
  @Test
  void everyDirectoryFollowsItsXdgVariable() {
    Dirs d = Dirs.from(Map.of("XDG_CONFIG_HOME", "/c", "XDG_DATA_HOME", "/data", "XDG_CACHE_HOME", "/k",
        "HOME", "/home/u"));
    assertThat(d.configFile()).isEqualTo(Path.of("/c/orchestrator/orchestrator.yaml"));
    assertThat(d.ledgerFile()).isEqualTo(Path.of("/data/orchestrator/ledger.db"));
    assertThat(d.buildHistoryFile()).isEqualTo(Path.of("/data/orchestrator/builds.jsonl"));
    assertThat(d.runsDir()).isEqualTo(Path.of("/data/orchestrator/runs"));
    assertThat(d.cache()).isEqualTo(Path.of("/k/orchestrator"));
  }

  @Test
  void withoutXdgVariablesTheDirectoriesAreUnderHome() {
    Dirs d = Dirs.from(Map.of("HOME", "/home/u"));
    assertThat(d.configFile()).isEqualTo(Path.of("/home/u/.config/orchestrator/orchestrator.yaml"));
    assertThat(d.ledgerFile()).isEqualTo(Path.of("/home/u/.local/share/orchestrator/ledger.db"));
    assertThat(d.cache()).isEqualTo(Path.of("/home/u/.cache/orchestrator"));
  }

  @Test
  void aRelativeOrBlankXdgValueIsIgnoredAsTheSpecificationSays() {
    Dirs d = Dirs.from(Map.of("XDG_DATA_HOME", "relative/data", "XDG_CACHE_HOME", " ", "HOME", "/home/u"));
    assertThat(d.data()).isEqualTo(Path.of("/home/u/.local/share/orchestrator"));
    assertThat(d.cache()).isEqualTo(Path.of("/home/u/.cache/orchestrator"));
  }

  @Test
  void gatewayKeysFollowTheConfigDirectoryUnlessTheVariableNamesAFile() {
    assertThat(Dirs.gatewayKeysFile(Map.of("XDG_CONFIG_HOME", "/x", "HOME", "/h")))
        .isEqualTo(Path.of("/x/orchestrator/gateway-keys.json"));
    assertThat(Dirs.gatewayKeysFile(Map.of("HOME", "/h"))).isEqualTo(Path.of("/h/.config/orchestrator/gateway-keys.json"));
    assertThat(Dirs.gatewayKeysFile(Map.of("ORCHESTRATOR_GATEWAY_KEYS", "/k.json", "HOME", "/h")))
        .isEqualTo(Path.of("/k.json"));
  }
}
