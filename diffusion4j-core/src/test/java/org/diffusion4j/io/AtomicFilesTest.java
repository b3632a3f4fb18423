package org.diffusion4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
  @TempDir Path tmp;

  private List<String> names() throws IOException {
    try (Stream<Path> s = Files.list(tmp)) {
      return s.map(p -> p.getFileName().toString()).sorted().collect(Collectors.toList());
    }
  }

  @Test
  void writesAndLeavesNoTemporaryFile() throws IOException {
    Path f = tmp.resolve("sub/dir/out.txt");
    AtomicFiles.writeString(f, "first");
    AtomicFiles.writeString(f, "second");
    assertEquals("second", Files.readString(f));
    try (Stream<Path> s = Files.list(f.getParent())) {
      assertEquals(List.of("out.txt"), s.map(p -> p.getFileName().toString()).collect(Collectors.toList()));
    }
  }

  @Test
  void aWriterThatFailsKeepsTheOldFileAndLeavesNoTemporaryFile() throws IOException {
    Path f = tmp.resolve("out.bin");
    AtomicFiles.writeString(f, "old");
    IOException io = new IOException("disk full");
    assertSame(io, assertThrows(IOException.class, () -> AtomicFiles.write(f, out -> {
      out.write(new byte[100_000]);
      throw io;
    })));
    IllegalStateException rt = new IllegalStateException("bug");
    assertSame(rt, assertThrows(IllegalStateException.class, () -> AtomicFiles.write(f, out -> {
      out.write(1);
      throw rt;
    })));
    assertEquals("old", Files.readString(f));
    assertEquals(List.of("out.bin"), names());
    // a failing first write creates nothing at all
    Path g = tmp.resolve("never.bin");
    assertThrows(IOException.class, () -> AtomicFiles.write(g, out -> {
      throw new IOException("no");
    }));
    assertEquals(List.of("out.bin"), names());
  }
}
