import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;

/**
 * Runs Neo4j 5 Community embedded (jars from Maven Central) with Bolt on 127.0.0.1:PORT and authentication on.
 * Usage: java -cp classes:lib/* Launcher HOME PORT PAGECACHE_MB; the password of user "neo4j" comes from the
 * NEO4J_PASSWORD environment variable (never from the command line, which other users can read in ps).
 * Prints NEO4J_READY once Bolt accepts logins; stops cleanly on SIGTERM.
 */
public class Launcher {
  public static void main(String[] args) throws Exception {
    Path home = Path.of(args[0]);
    int port = Integer.parseInt(args[1]);
    long pageCacheMb = Long.parseLong(args[2]);
    String password = System.getenv("NEO4J_PASSWORD");
    if (password == null || password.length() < 8) {
      System.err.println("NEO4J_PASSWORD must be set (at least 8 characters)");
      System.exit(2);
    }
    DatabaseManagementService dbms = new DatabaseManagementServiceBuilder(home)
        .setConfig(BoltConnector.enabled, true)
        .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
        .setConfig(GraphDatabaseSettings.auth_enabled, true)
        .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pageCacheMb))
        .build();
    Runtime.getRuntime().addShutdownHook(new Thread(dbms::shutdown));
    // A new store has user neo4j/neo4j with a forced password change; set the configured password instead.
    // On later starts the password is usually already that one, and Neo4j refuses to "change" it to itself.
    try {
      dbms.database("system").executeTransactionally(
          "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
      System.out.println("NEO4J_PASSWORD_SET");
    } catch (Exception e) {
      System.out.println("NEO4J_PASSWORD_UNCHANGED " + e.getMessage());
    }
    System.out.println("NEO4J_READY bolt://127.0.0.1:" + port);
    new CountDownLatch(1).await();
  }
}
