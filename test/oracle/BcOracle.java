// Bouncy Castle's second opinion on CMP messages, for test/unit/oracle.test.ts. Reads lines
// "FILE<TAB>SECRET<TAB>CERT" (SECRET and CERT may be empty; CERT is a DER certificate to try first)
// from standard input and prints, per line, "FILE<TAB>PARSES<TAB>VERDICT<TAB>DETAIL":
//   PARSES  yes | no (PKIMessage.getInstance or the body's content fails)
//   VERDICT unprotected | valid | invalid | needs-secret | needs-cert | error
//   DETAIL  for valid signatures the index of the certificate that verified (the given one is 0 and
//           extraCerts follow), else the exception's class and message.
// Signatures: ProtectedPKIMessage.verify with each certificate in turn (the given one, then extraCerts),
// as a verifier that knows no header rules would; MACs: PKMACBuilder for PasswordBasedMac and
// JcePBMac1CalculatorProviderBuilder for PBMAC1, with the secret as characters.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.Security;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.ASN1TaggedObject;
import org.bouncycastle.asn1.cmp.PKIMessage;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.cmp.GeneralPKIMessage;
import org.bouncycastle.cert.cmp.ProtectedPKIMessage;
import org.bouncycastle.cert.crmf.PKMACBuilder;
import org.bouncycastle.cert.crmf.jcajce.JcePKMACValuesCalculator;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.PBEMacCalculatorProvider;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.jcajce.JcePBMac1CalculatorProviderBuilder;

public final class BcOracle {
  private static final String PBMAC1 = "1.2.840.113549.1.5.14";

  public static void main(String[] args) throws Exception {
    Security.addProvider(new BouncyCastleProvider());
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String line;
    while ((line = in.readLine()) != null) {
      if (line.isEmpty()) continue;
      String[] f = line.split("\t", -1);
      System.out.println(f[0] + "\t" + judge(f));
      System.out.flush();
    }
  }

  private static String oneLine(Throwable e) {
    String m = e.getClass().getSimpleName() + ": " + e.getMessage();
    return m.replaceAll("[\\t\\r\\n]+", " ");
  }

  /** extraCerts [1] as raw elements, without CMPCertificate's checks. */
  private static List<ASN1Encodable> rawExtraCerts(GeneralPKIMessage msg) throws Exception {
    List<ASN1Encodable> out = new ArrayList<>();
    ASN1Sequence seq = ASN1Sequence.getInstance(msg.toASN1Structure().toASN1Primitive().getEncoded());
    for (ASN1Encodable e : seq) {
      if (e instanceof ASN1TaggedObject && ((ASN1TaggedObject) e).getTagNo() == 1) {
        for (ASN1Encodable c : ASN1Sequence.getInstance(((ASN1TaggedObject) e).getExplicitBaseObject())) out.add(c);
      }
    }
    return out;
  }

  private static String judge(String[] f) {
    GeneralPKIMessage msg;
    try {
      byte[] der = Files.readAllBytes(Paths.get(f[0]));
      PKIMessage m = PKIMessage.getInstance(der);
      m.getBody().getContent();
      msg = new GeneralPKIMessage(m);
    } catch (Exception | Error e) {
      return "no\terror\t" + oneLine(e);
    }
    if (!msg.hasProtection()) return "yes\tunprotected\t";
    String secret = f.length > 1 ? f[1] : "";
    String certFile = f.length > 2 ? f[2] : "";
    try {
      ProtectedPKIMessage p = new ProtectedPKIMessage(msg);
      String oid = p.getProtectionAlgorithm().getAlgorithm().getId();
      // Bouncy Castle 1.80's hasPasswordBasedMacProtection() is true for PasswordBasedMac only.
      if (p.hasPasswordBasedMacProtection() || PBMAC1.equals(oid)) {
        if (secret.isEmpty()) return "yes\tneeds-secret\t";
        PBEMacCalculatorProvider mac =
            PBMAC1.equals(oid)
                ? new JcePBMac1CalculatorProviderBuilder().setProvider("BC").build()
                : new PKMACBuilder(new JcePKMACValuesCalculator().setProvider("BC"));
        return "yes\t" + (p.verify(mac, secret.toCharArray()) ? "valid" : "invalid") + "\t" + oid;
      }
      List<X509CertificateHolder> certs = new ArrayList<>();
      if (!certFile.isEmpty()) certs.add(new X509CertificateHolder(Files.readAllBytes(Paths.get(certFile))));
      String note = "";
      try {
        certs.addAll(Arrays.asList(p.getCertificates()));
      } catch (IllegalArgumentException e) {
        // CMPCertificate refuses a version 1 certificate; read extraCerts around it to still check the signature.
        note = " (extraCerts read around CMPCertificate: " + oneLine(e) + ")";
        for (ASN1Encodable c : rawExtraCerts(msg)) certs.add(new X509CertificateHolder(Certificate.getInstance(c)));
      }
      if (certs.isEmpty()) return "yes\tneeds-cert\t";
      String last = "no certificate verifies";
      for (int i = 0; i < certs.size(); i++) {
        try {
          if (p.verify(new JcaContentVerifierProviderBuilder().setProvider("BC").build(certs.get(i))))
            return "yes\tvalid\t" + i + note;
        } catch (Exception e) {
          last = oneLine(e);
        }
      }
      return "yes\tinvalid\t" + last + note;
    } catch (Exception | Error e) {
      return "yes\terror\t" + oneLine(e);
    }
  }
}
