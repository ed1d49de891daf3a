// Bouncy Castle 1.80 makes and opens CMS EnvelopedData, for test/unit/envelopeInterop.test.ts (issue 18).
//   java BcEnvelope make OUTDIR
//     For each recipient kind it makes a key pair and a certificate (ML-KEM's signed by a P-256 key,
//     the others self-signed), then an EnvelopedData (as ContentInfo) around the text "CMP Lens and
//     Bouncy Castle: KIND" with BC's own recipient generators:
//       RSA-OAEP   ktri, RSAES-OAEP with SHA-256      RSA-PKCS1  ktri, rsaEncryption
//       P-384      kari, ECDH SHA-256 KDF, AES-256 wrap (BC 1.80's kari refuses X25519 keys)
//       ML-KEM-512/768/1024  kemri (RFC 9629), BC's default KDF, AES-256 wrap
//       password   pwri, PBKDF2-HMAC-SHA256, PWRI-KEK with AES-256-CBC, password "geheim"
//     writing KIND.key (PKCS#8 DER), KIND.crt (DER) and KIND.env (DER). Content: AES-256-CBC, and
//     AES-128-GCM for P-384.
//   java BcEnvelope open ENV KEY|-password CERT|PASSWORD
//     opens an EnvelopedData (ContentInfo DER) with BC's recipients and prints the content in hex.
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Security;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Date;
import javax.crypto.spec.OAEPParameterSpec;
import javax.crypto.spec.PSource;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cms.CMSAlgorithm;
import org.bouncycastle.cms.CMSEnvelopedData;
import org.bouncycastle.cms.CMSEnvelopedDataGenerator;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.KEMRecipientInformation;
import org.bouncycastle.cms.KeyAgreeRecipientInformation;
import org.bouncycastle.cms.KeyTransRecipientInformation;
import org.bouncycastle.cms.PasswordRecipient;
import org.bouncycastle.cms.PasswordRecipientInformation;
import org.bouncycastle.cms.RecipientInformation;
import org.bouncycastle.cms.jcajce.JceCMSContentEncryptorBuilder;
import org.bouncycastle.cms.jcajce.JceKEMEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JceKEMRecipientInfoGenerator;
import org.bouncycastle.cms.jcajce.JceKeyAgreeEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JceKeyAgreeRecipientInfoGenerator;
import org.bouncycastle.cms.jcajce.JceKeyTransEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JceKeyTransRecipientInfoGenerator;
import org.bouncycastle.cms.jcajce.JcePasswordEnvelopedRecipient;
import org.bouncycastle.cms.jcajce.JcePasswordRecipientInfoGenerator;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaAlgorithmParametersConverter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.encoders.Hex;

public final class BcEnvelope {
  private static KeyPair p256;

  public static void main(String[] args) throws Exception {
    Security.addProvider(new BouncyCastleProvider());
    if (args[0].equals("make")) make(Paths.get(args[1]));
    else System.out.println(Hex.toHexString(open(args[1], args[2], args[3])));
  }

  private static KeyPair pair(String alg, Object spec) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance(alg, "BC");
    if (spec instanceof Integer) g.initialize((Integer) spec);
    else if (spec != null) g.initialize((java.security.spec.AlgorithmParameterSpec) spec);
    return g.generateKeyPair();
  }

  private static X509Certificate cert(String name, KeyPair subject, KeyPair signer) throws Exception {
    ContentSigner s = new JcaContentSignerBuilder("SHA256withECDSA").setProvider("BC").build(signer.getPrivate());
    X500Name n = new X500Name("CN=Bouncy Castle " + name);
    Date now = new Date();
    X509CertificateHolder h = new X509v3CertificateBuilder(
            new X500Name("CN=Bouncy Castle issuer"), BigInteger.valueOf(now.getTime()), new Date(now.getTime() - 60_000L),
            new Date(now.getTime() + 86_400_000L), n, SubjectPublicKeyInfo.getInstance(subject.getPublic().getEncoded()))
        .build(s);
    return new JcaX509CertificateConverter().setProvider("BC").getCertificate(h);
  }

  private static void make(Path out) throws Exception {
    p256 = pair("EC", new ECGenParameterSpec("P-256"));
    String[] kinds = {"RSA-OAEP", "RSA-PKCS1", "P-384", "ML-KEM-512", "ML-KEM-768", "ML-KEM-1024", "password"};
    for (String kind : kinds) {
      CMSEnvelopedDataGenerator gen = new CMSEnvelopedDataGenerator();
      if (kind.equals("password")) {
        gen.addRecipientInfoGenerator(new JcePasswordRecipientInfoGenerator(CMSAlgorithm.AES256_CBC, "geheim".toCharArray())
            .setProvider("BC")
            .setPasswordConversionScheme(PasswordRecipient.PKCS5_SCHEME2_UTF8)
            .setPRF(PasswordRecipient.PRF.HMacSHA256)
            .setSaltAndIterationCount(Hex.decode("0102030405060708090a0b0c0d0e0f10"), 10000));
      } else {
        KeyPair kp =
            kind.startsWith("RSA") ? pair("RSA", 2048)
            : kind.equals("P-384") ? pair("EC", new ECGenParameterSpec("P-384"))
            : pair(kind, null);
        X509Certificate c = cert(kind, kp, p256);
        Files.write(out.resolve(kind + ".key"), kp.getPrivate().getEncoded());
        Files.write(out.resolve(kind + ".crt"), c.getEncoded());
        if (kind.equals("RSA-OAEP")) {
          AlgorithmIdentifier oaep = new JcaAlgorithmParametersConverter().getAlgorithmIdentifier(
              PKCSObjectIdentifiers.id_RSAES_OAEP,
              new OAEPParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, PSource.PSpecified.DEFAULT));
          gen.addRecipientInfoGenerator(new JceKeyTransRecipientInfoGenerator(c, oaep).setProvider("BC"));
        } else if (kind.equals("RSA-PKCS1")) {
          gen.addRecipientInfoGenerator(new JceKeyTransRecipientInfoGenerator(c).setProvider("BC"));
        } else if (kind.equals("P-384")) {
          KeyPair eph = pair("EC", new ECGenParameterSpec("P-384"));
          gen.addRecipientInfoGenerator(new JceKeyAgreeRecipientInfoGenerator(
                  CMSAlgorithm.ECDH_SHA256KDF, eph.getPrivate(), eph.getPublic(), CMSAlgorithm.AES256_WRAP)
              .addRecipient(c)
              .setProvider("BC"));
        } else {
          gen.addRecipientInfoGenerator(new JceKEMRecipientInfoGenerator(c, CMSAlgorithm.AES256_WRAP).setProvider("BC"));
        }
      }
      String text = "CMP Lens and Bouncy Castle: " + kind;
      CMSEnvelopedData ed = gen.generate(
          new CMSProcessableByteArray(text.getBytes(StandardCharsets.UTF_8)),
          new JceCMSContentEncryptorBuilder(kind.equals("P-384") ? CMSAlgorithm.AES128_GCM : CMSAlgorithm.AES256_CBC)
              .setProvider("BC")
              .build());
      Files.write(out.resolve(kind + ".env"), ed.getEncoded());
    }
  }

  private static byte[] open(String env, String keyOrPassword, String kind) throws Exception {
    CMSEnvelopedData ed = new CMSEnvelopedData(Files.readAllBytes(Paths.get(env)));
    RecipientInformation ri = ed.getRecipientInfos().getRecipients().iterator().next();
    if (ri instanceof PasswordRecipientInformation)
      return ri.getContent(new JcePasswordEnvelopedRecipient(keyOrPassword.toCharArray())
          .setPasswordConversionScheme(PasswordRecipient.PKCS5_SCHEME2_UTF8)
          .setProvider("BC"));
    byte[] der = Files.readAllBytes(Paths.get(keyOrPassword));
    String alg = kind.startsWith("RSA") ? "RSA" : kind.startsWith("P-") ? "EC" : kind;
    PrivateKey key = KeyFactory.getInstance(alg, "BC").generatePrivate(new PKCS8EncodedKeySpec(der));
    if (ri instanceof KeyTransRecipientInformation)
      return ri.getContent(new JceKeyTransEnvelopedRecipient(key).setProvider("BC"));
    if (ri instanceof KeyAgreeRecipientInformation)
      return ri.getContent(new JceKeyAgreeEnvelopedRecipient(key).setProvider("BC"));
    if (ri instanceof KEMRecipientInformation)
      return ri.getContent(new JceKEMEnvelopedRecipient(key).setProvider("BC"));
    throw new IllegalArgumentException("no recipient kind for " + ri.getClass());
  }
}
