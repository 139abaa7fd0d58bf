package dev.spectra.orchestrator.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JournalArchiveTest {
  @Test
  void aStagingDirectoryComesBackAsItWasWithoutCompiledOutputOrLinks(@TempDir Path dir) throws Exception {
    Path staging = dir.resolve(".orchestrator-run-1");
    Files.createDirectories(staging.resolve("project/src/main/java"));
    Files.createDirectories(staging.resolve("project/target/classes"));
    Files.writeString(staging.resolve("state.json"), "{\"completedSteps\":[\"plan\"]}");
    Files.writeString(staging.resolve("project/src/main/java/App.java"), "class App {}");
    Files.writeString(staging.resolve("project/target/classes/App.class"), "compiled");
    Files.writeString(dir.resolve("secret"), "outside");
    Files.createSymbolicLink(staging.resolve("project/link"), dir.resolve("secret"));

    String archive = JournalArchive.capture(staging).orElseThrow();
    Path elsewhere = dir.resolve("other-machine/.orchestrator-run-1");
    JournalArchive.restore(archive, elsewhere);

    assertThat(elsewhere.resolve("state.json")).hasContent("{\"completedSteps\":[\"plan\"]}");
    assertThat(elsewhere.resolve("project/src/main/java/App.java")).hasContent("class App {}");
    assertThat(elsewhere.resolve("project/target")).doesNotExist();
    assertThat(elsewhere.resolve("project/link")).doesNotExist();
  }

  @Test
  void anArchiveNamingAFileOutsideTheDirectoryIsRefusedAndNothingIsWritten(@TempDir Path dir) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      zip.putNextEntry(new ZipEntry("state.json"));
      zip.write("{}".getBytes());
      zip.putNextEntry(new ZipEntry("../escaped"));
      zip.write("x".getBytes());
    }
    Path staging = dir.resolve("staging");
    assertThatThrownBy(() -> JournalArchive.restore(Base64.getEncoder().encodeToString(bytes.toByteArray()), staging))
        .hasMessageContaining("outside the build's directory: ../escaped");
    assertThat(dir.resolve("escaped")).doesNotExist();
    assertThat(staging).doesNotExist();
  }
}
