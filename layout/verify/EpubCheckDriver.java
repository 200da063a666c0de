// EPUB paths in, EPUBCheck's JSON reports out: one JVM that checks EPUB after EPUB (layout/verify/epubcheck.py).
//
// Reads one EPUB path a line on stdin, each a JSON string, and writes one line a path on stdout: EPUBCheck's
// own JSON report (the command line's `-q --json -`, made by the same code with the same arguments, on one
// line), or {"stderr": ...} when EPUBCheck made no report. Ends at the end of stdin.
//
// Run as a single source file on EPUBCheck's class path: java -cp epubcheck.jar EpubCheckDriver.java

import com.adobe.epubcheck.tool.EpubChecker;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

public class EpubCheckDriver {
  public static void main(String[] args) throws Exception {
    ObjectMapper json = new ObjectMapper();
    PrintStream replies = new PrintStream(System.out, true, StandardCharsets.UTF_8);
    BufferedReader requests = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = requests.readLine()) != null) {
      String epub = json.readValue(line, String.class);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteArrayOutputStream err = new ByteArrayOutputStream();
      // EPUBCheck writes its report to System.out and its complaints to System.err: both caught per check
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      try {
        new EpubChecker().run(new String[] {epub, "-q", "--json", "-"});
      } catch (RuntimeException | StackOverflowError error) {
        error.printStackTrace();
      } finally {
        System.out.flush();
        System.err.flush();
      }
      // a JSON report holds line breaks only between its tokens (inside strings they are escaped)
      String report = out.toString(StandardCharsets.UTF_8).replace("\r", "").replace("\n", "");
      replies.println(
          report.isBlank() ? json.writeValueAsString(Map.of("stderr", err.toString(StandardCharsets.UTF_8))) : report);
    }
  }
}
