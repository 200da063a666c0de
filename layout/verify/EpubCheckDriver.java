// EPUB paths in, EPUBCheck's JSON reports out: one JVM that checks EPUB after EPUB (layout/verify/epubcheck.py).
//
// Reads one EPUB path a line, each a JSON string, and writes one line a path: EPUBCheck's own JSON report (the
// command line's `-q --json -`, made by the same code with the same arguments, on one line), or
// {"stderr": ...} when EPUBCheck made no report.
//
// Without arguments it reads stdin and writes stdout, and ends at the end of stdin. With `--serve SOCKET
// SECONDS` it listens on the Unix socket SOCKET and answers one connection after another, each until the
// client closes it, and ends when no client has come for SECONDS (the socket file is left: a client that
// finds nobody listening on it removes it).
//
// Run as a single source file on EPUBCheck's class path: java -cp epubcheck.jar EpubCheckDriver.java

import com.adobe.epubcheck.tool.EpubChecker;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

public class EpubCheckDriver {
  private static final ObjectMapper JSON = new ObjectMapper();

  public static void main(String[] args) throws Exception {
    if (args.length == 3 && args[0].equals("--serve")) {
      serve(Path.of(args[1]), Long.parseLong(args[2]) * 1000);
    } else {
      answer(System.in, System.out);
    }
  }

  private static void serve(Path socket, long idleMillis) throws IOException {
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        Selector selector = Selector.open()) {
      server.bind(UnixDomainSocketAddress.of(socket));
      server.configureBlocking(false);
      server.register(selector, SelectionKey.OP_ACCEPT);
      while (selector.select(idleMillis) > 0) {
        selector.selectedKeys().clear();
        SocketChannel client = server.accept();
        if (client == null) {
          continue;
        }
        try (client) {
          answer(Channels.newInputStream(client), Channels.newOutputStream(client));
        } catch (IOException gone) {
          // the client went away mid-reply (killed, or its time limit passed): the next one is served
        }
      }
    }
  }

  private static void answer(InputStream in, OutputStream out) throws IOException {
    PrintStream replies = new PrintStream(out, true, StandardCharsets.UTF_8);
    BufferedReader requests = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    String line;
    while ((line = requests.readLine()) != null) {
      replies.println(check(JSON.readValue(line, String.class)));
      if (replies.checkError()) {
        throw new IOException("the reply was not delivered");
      }
    }
  }

  private static String check(String epub) throws IOException {
    PrintStream stdout = System.out;
    PrintStream stderr = System.err;
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
      System.setOut(stdout);
      System.setErr(stderr);
    }
    // a JSON report holds line breaks only between its tokens (inside strings they are escaped)
    String report = out.toString(StandardCharsets.UTF_8).replace("\r", "").replace("\n", "");
    return report.isBlank() ? JSON.writeValueAsString(Map.of("stderr", err.toString(StandardCharsets.UTF_8))) : report;
  }
}
