package org.diffusion4j.io;

import static org.diffusion4j.io.NpyTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.diffusion4j.array.Batch;
import org.diffusion4j.io.Csv.MissingValues;
import org.diffusion4j.io.Csv.Options;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvTest {
  @TempDir Path tmp;

  private static Csv.Table parse(String text, Options o) {
    return Csv.parse(text, "t.csv", o);
  }

  @Test
  void headerIsDetectedAndColumnsSelectedByNameOrIndex() {
    String text = "\uFEFFx, y ,\"label, quoted\"\n1,2.5,3\n\n-4e2, .5 ,+6\n";
    Csv.Table all = parse(text, Options.defaults());
    assertEquals(List.of("x", "y", "label, quoted"), all.columns());
    assertArrayEquals(new double[] {1, 2.5, 3, -400, 0.5, 6}, all.data().data());
    Csv.Table yx = parse(text, Options.defaults().columns("y", "x"));
    assertEquals(List.of("y", "x"), yx.columns());
    assertArrayEquals(new double[] {2.5, 1, 0.5, -400}, yx.data().data());
    Csv.Table third = parse(text, Options.defaults().columnIndices(2));
    assertEquals(1, third.data().d());
    assertArrayEquals(new double[] {3, 6}, third.data().data());
  }

  @Test
  void noHeaderAndOtherDelimiters() {
    Csv.Table t = parse("1;2\n3;inf\n", Options.defaults().delimiter(';'));
    assertEquals(List.of("0", "1"), t.columns());
    assertArrayEquals(new double[] {1, 2, 3, Double.POSITIVE_INFINITY}, t.data().data());
    Csv.Table tab = parse("1\t2\r\n3\t4\r\n", Options.defaults().delimiter('\t').header(Csv.Header.ABSENT));
    assertEquals(2, tab.data().n());
    // an all-numeric first line is data unless the header is declared present
    Csv.Table forced = parse("10,20\n3,4\n", Options.defaults().header(Csv.Header.PRESENT));
    assertEquals(List.of("10", "20"), forced.columns());
    assertEquals(1, forced.data().n());
    assertMessage(assertThrows(FormatException.class, () -> parse("1,2\n", Options.defaults().columns("a"))),
        "t.csv", "no header row");
  }

  @Test
  void nonNumericCellNamesFileLineAndColumn() {
    FormatException e = assertThrows(FormatException.class, () -> parse("a,b\n1,2\n3,x7\n", Options.defaults()));
    assertMessage(e, "t.csv: line 3, column 'b' (2): 'x7' is not a number");
    // Java-only number syntax is not accepted
    for (String cell : new String[] {"1d", "0x10", "1f", "1e", "--1", "1.2.3", "١"}) {
      assertMessage(assertThrows(FormatException.class, () -> parse("a\n" + cell + "\n", Options.defaults())),
          "line 2", "is not a number");
    }
  }

  @Test
  void missingValuesFollowThePolicy() {
    String text = "a,b\n1,2\n,4\n5,NA\n7,8\n";
    assertMessage(assertThrows(FormatException.class, () -> parse(text, Options.defaults())),
        "t.csv: line 3, column 'a' (1): missing value", "DROP_ROW or FILL_MEAN");
    Batch dropped = parse(text, Options.defaults().missing(MissingValues.DROP_ROW)).data();
    assertArrayEquals(new double[] {1, 2, 7, 8}, dropped.data());
    Batch filled = parse(text, Options.defaults().missing(MissingValues.FILL_MEAN)).data();
    assertArrayEquals(new double[] {1, 2, (1 + 5 + 7) / 3.0, 4, 5, (2 + 4 + 8) / 3.0, 7, 8}, filled.data());
    // only selected columns matter
    Batch onlyB = parse("a,b\n,1\n,2\n", Options.defaults().columns("b")).data();
    assertArrayEquals(new double[] {1, 2}, onlyB.data());
    assertMessage(assertThrows(FormatException.class,
        () -> parse("a,b\n,1\n,2\n", Options.defaults().missing(MissingValues.FILL_MEAN))), "column 'a' has no values");
    Batch custom = parse("a\n-999\n3\n", Options.defaults().missingTokens("-999").missing(MissingValues.DROP_ROW))
        .data();
    assertArrayEquals(new double[] {3}, custom.data());
  }

  @Test
  void structuralErrors() {
    assertMessage(assertThrows(FormatException.class, () -> parse("a,b\n1,2\n3\n", Options.defaults())),
        "line 3 has 1 fields, expected 2 like the header");
    assertMessage(assertThrows(FormatException.class, () -> parse("\n \n", Options.defaults())), "empty CSV");
    assertMessage(assertThrows(FormatException.class, () -> parse("a\n\"1\n", Options.defaults())),
        "line 2: unterminated quoted field");
    assertMessage(assertThrows(FormatException.class, () -> parse("a,b\n1,2\n", Options.defaults().columns("c"))),
        "no column named 'c'");
    assertMessage(assertThrows(FormatException.class, () -> parse("a,b\n1,2\n", Options.defaults().columnIndices(2))),
        "column index 2 is out of range");
    Csv.Table onlyHeader = parse("a,b\n", Options.defaults());
    assertEquals(0, onlyHeader.data().n());
  }

  @Test
  void writeThenReadRoundTripsBitwise() throws IOException {
    Batch b = new Batch(3, 2, new double[] {0.1, -1e-300, Math.PI, Double.MAX_VALUE, Double.MIN_VALUE, -0.0});
    Path f = tmp.resolve("rt.csv");
    Csv.write(f, b, List.of("first", "sec,ond"));
    Csv.Table t = Csv.read(f);
    assertEquals(List.of("first", "sec,ond"), t.columns());
    for (int i = 0; i < b.size(); i++) {
      assertEquals(Double.doubleToRawLongBits(b.data()[i]), Double.doubleToRawLongBits(t.data().data()[i]));
    }
    Files.write(f, new byte[] {'a', '\n', (byte) 0xff, '\n'});
    assertMessage(assertThrows(FormatException.class, () -> Csv.read(f)), f.toString(), "not valid UTF-8");
  }
}
