package dev.storefront.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import dev.storefront.config.Settings;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Kubernetes example in config/k8s: its settings exist, and they give Hazelcast's Kubernetes discovery. */
class KubernetesExampleTest {

  private static final Path MANIFEST = Path.of("config", "k8s", "storefront.yaml");

  @Test
  @DisplayName("every STOREFRONT_ variable of the manifest is a setting, and together they make a Kubernetes-discovery config")
  void manifestSettingsGiveKubernetesDiscovery() throws Exception {
    String yaml = Files.readString(MANIFEST);
    Map<String, String> env = new HashMap<>();
    Matcher m = Pattern.compile("\\{name: (STOREFRONT_[A-Z_]+), value: \"?([^\"}]+)\"?}").matcher(yaml);
    while (m.find()) {
      env.put(m.group(1), m.group(2).trim().replace("$(POD_IP)", "10.1.2.3"));
    }
    assertTrue(env.containsKey("STOREFRONT_CLUSTER_JOIN"), env.toString());
    env.put("STOREFRONT_DB_URL", "postgresql://storefront@db:5432/storefront"); // from the manifest's secret
    Settings settings = Settings.load(Path.of("config", "storefront.json"), env, Map.of());

    // Hazelcast's own builder reads config/cluster.xml; the settings then choose the join
    Config config = Cluster.hazelcastConfig(settings);
    JoinConfig join = config.getNetworkConfig().getJoin();
    assertTrue(join.getKubernetesConfig().isEnabled());
    assertEquals("storefront-hz.default.svc.cluster.local", join.getKubernetesConfig().getProperty("service-dns"));
    assertFalse(join.getTcpIpConfig().isEnabled());
    assertFalse(join.getMulticastConfig().isEnabled());
    assertEquals("10.1.2.3", config.getNetworkConfig().getInterfaces().getInterfaces().iterator().next());
    assertTrue(yaml.contains("path: /health/ready"), "readiness comes from /health/ready");
  }

  @Test
  @DisplayName("by default members are found by TCP-IP from cluster.members")
  void defaultIsTcpIp() {
    JoinConfig join = Cluster.hazelcastConfig(Settings.defaults()).getNetworkConfig().getJoin();
    assertTrue(join.getTcpIpConfig().isEnabled());
    assertFalse(join.getKubernetesConfig().isEnabled());
  }
}
